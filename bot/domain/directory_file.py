"""Reading a directory file: a GeoJSON FeatureCollection of precincts (Polygon/MultiPolygon,
their inspectors in the properties) and police points (Point features, or a separate CSV or
GeoJSON file). Everything is checked first; each problem names its feature or line."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.validation import explain_validity

from bot.domain.directory import Directory, Inspector, PolicePoint, Precinct
from bot.domain.text import N_

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")  # fits a button (64 bytes)
USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 200
#: an inspector card is one message (4096 characters): a few inspectors, a few phones each
MAX_INSPECTORS = 5
MAX_PHONES = 3
#: what a problem shows of a wrong value
MAX_SHOWN = 60
POINT_COLUMNS = (
    "id",
    "name_kk",
    "name_ru",
    "address_kk",
    "address_ru",
    "latitude",
    "longitude",
    "hours_kk",
    "hours_ru",
    "phone",
)


def normalise_phone(text: str) -> str | None:
    """A Kazakhstan number as +7 and ten digits, or None. Accepts the ways people write one:
    "8 701 234 56 78", "7 701 2345678", "+7 (701) 234-56-78"; the ten digits start with 6 or 7
    (Kazakhstan's ranges)."""
    digits = re.sub(r"[\s()\-.]", "", text)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("7"):
            return None
    if not digits.isdigit():
        return None
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] not in "67":  # +7 6xx / 7xx: Kazakhstan's ranges
        return None
    return "+7" + digits


#: the words of a problem's place, translated when shown to staff
WHERE_WORDS = {
    "feature": N_("feature {n}"),
    "line": N_("line {n}"),
    "inspector": N_("inspector {n}"),
    "polygon": N_("polygon {n}"),
    "outer": N_("outer ring"),
    "hole": N_("hole {n}"),
}


def _same(text: str) -> str:
    return text


def shown(value: Any) -> str:
    """A wrong value as a problem quotes it: short (a value can be megabytes long)."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


@dataclass(frozen=True)
class Where:
    """Where in the files a problem is: the file, then feature or line, ids, rings."""

    source: str
    parts: tuple[tuple[str, Any], ...] = ()

    def at(self, kind: str, value: Any = None) -> Where:
        return Where(self.source, (*self.parts, (kind, value)))

    def render(self, translate: Callable[[str], str] = _same) -> str:
        out = self.source
        for n, (kind, value) in enumerate(self.parts):
            if kind == "item":
                text = str(value or "?")
                out += f" ({text if len(text) <= 40 else text[:39] + '…'})"
            elif kind == "ring":
                word = (
                    translate(WHERE_WORDS["outer"])
                    if value == 1
                    else translate(WHERE_WORDS["hole"]).format(n=value - 1)
                )
                out += f", {word}"
            else:
                word = translate(WHERE_WORDS[kind]).format(n=value)
                out += f" {word}" if n == 0 else f", {word}"
        return out


@dataclass(frozen=True)
class Problem:
    where: Where
    text: str  # a message id (N_) with {placeholders}
    args: dict[str, Any]

    def render(self, translate: Callable[[str], str] = _same) -> str:
        args = {k: v.render(translate) if isinstance(v, Where) else v for k, v in self.args.items()}
        return f"{self.where.render(translate)}: {translate(self.text).format(**args)}"

    def __str__(self) -> str:
        return self.render()


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, where: Where, text: str, **args: Any) -> None:
        self.items.append(Problem(where, text, args))


def _text(
    props: dict[str, Any], key: str, where: Where, problems: Problems, *, required: bool = True
) -> str:
    value = props.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(where, N_("'{key}' is missing"), key=key)
        return ""
    if not isinstance(value, str):
        problems.add(where, N_("'{key}' must be text"), key=key)
        return ""
    value = " ".join(value.split())
    if len(value) > MAX_TEXT:
        problems.add(
            where, N_("'{key}' is longer than {limit} characters"), key=key, limit=MAX_TEXT
        )
    return value


def _id(props: dict[str, Any], key: str, where: Where, problems: Problems) -> str:
    value = _text(props, key, where, problems)
    if value and not ID.match(value):
        problems.add(
            where,
            N_("'{key}' {value} may hold only letters, digits, '_', '.', '-'"),
            key=key,
            value=shown(value),
        )
    return value


def _coordinate(value: Any) -> bool:
    try:
        return (
            isinstance(value, list | tuple)
            and len(value) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2])
            and all(math.isfinite(v) for v in value[:2])
        )
    except OverflowError:  # an integer of hundreds of digits
        return False


def _check_rings(rings: Any, where: Where, problems: Problems) -> bool:
    if not isinstance(rings, list) or not rings:
        problems.add(where, N_("a polygon needs at least one ring"))
        return False
    ok = True
    for n, ring in enumerate(rings, 1):
        at = where.at("ring", n)
        if not isinstance(ring, list) or len(ring) < 4:
            problems.add(at, N_("a ring needs at least 4 positions"))
            ok = False
            continue
        for position in ring:
            if not _coordinate(position):
                problems.add(
                    at,
                    N_("{position} is not a [longitude, latitude] pair"),
                    position=shown(position),
                )
                ok = False
                break
            lon, lat = position[0], position[1]
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                problems.add(
                    at, N_("[{lon}, {lat}] is out of range (longitude first)"), lon=lon, lat=lat
                )
                ok = False
                break
        else:
            if list(ring[0][:2]) != list(ring[-1][:2]):
                problems.add(at, N_("not closed (the last position must repeat the first)"))
                ok = False
    return ok


def _geometry(geometry: Any, where: Where, problems: Problems) -> dict[str, Any] | None:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        ok = _check_rings(coordinates, where, problems)
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            problems.add(where, N_("a MultiPolygon needs at least one polygon"))
            return None
        ok = all(
            [
                _check_rings(p, where.at("polygon", n), problems)
                for n, p in enumerate(coordinates, 1)
            ]
        )
    else:
        problems.add(
            where, N_("a precinct must be a Polygon or MultiPolygon, not {kind}"), kind=str(kind)
        )
        return None
    if not ok:
        return None
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, GEOSException) as exc:
        problems.add(where, N_("invalid geometry: {detail}"), detail=str(exc))
        return None
    if not geom.is_valid:
        problems.add(where, N_("invalid geometry: {detail}"), detail=explain_validity(geom))
        return None
    if geom.area == 0:
        problems.add(where, N_("the boundary encloses no area"))
        return None
    return {"type": kind, "coordinates": coordinates}


def _phones(value: Any, where: Where, problems: Problems) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        problems.add(where, N_("'phones' is missing (a list of numbers)"))
        return ()
    if len(value) > MAX_PHONES:
        problems.add(where, N_("at most {limit} phones"), limit=MAX_PHONES)
        return ()
    phones: list[str] = []
    for raw in value:
        phone = normalise_phone(raw) if isinstance(raw, str) else None
        if phone is None:
            problems.add(
                where,
                N_("phone {phone} is not a Kazakhstan number (+7 7xx xxx xx xx)"),
                phone=shown(raw),
            )
        elif phone not in phones:
            phones.append(phone)
    return tuple(phones)


def _inspector(item: Any, where: Where, problems: Problems) -> Inspector | None:
    if not isinstance(item, dict):
        problems.add(where, N_("an inspector must be an object"))
        return None
    before = len(problems.items)
    inspector_id = _id(item, "id", where, problems)
    where = where.at("item", inspector_id)
    full_name = _text(item, "full_name", where, problems)
    rank_kk = _text(item, "rank_kk", where, problems)
    rank_ru = _text(item, "rank_ru", where, problems)
    phones = _phones(item.get("phones"), where, problems)
    email = _text(item, "email", where, problems, required=False) or None
    if email and not EMAIL.match(email):
        problems.add(where, N_("email {email} is not an address"), email=shown(email))
    telegram = (_text(item, "telegram", where, problems, required=False) or "").lstrip("@")
    if telegram and not USERNAME.match(telegram):
        problems.add(where, N_("telegram {name} is not a Telegram username"), name=shown(telegram))
    photo = _text(item, "photo_url", where, problems, required=False) or None
    if photo and not photo.startswith("https://"):
        problems.add(where, N_("photo_url must be an https:// address"))
    if len(problems.items) > before:
        return None
    return Inspector(
        id=inspector_id,
        full_name=full_name,
        rank_kk=rank_kk,
        rank_ru=rank_ru,
        phones=phones,
        reception_kk=_text(item, "reception_kk", where, problems, required=False),
        reception_ru=_text(item, "reception_ru", where, problems, required=False),
        point_id=_text(item, "point", where, problems, required=False) or None,
        email=email,
        telegram=telegram or None,
        photo_url=photo,
    )


def _point(
    props: dict[str, Any], latitude: Any, longitude: Any, where: Where, problems: Problems
) -> PolicePoint | None:
    before = len(problems.items)
    point_id = _id(props, "id", where, problems)
    where = where.at("item", point_id)
    values = {key: _text(props, key, where, problems) for key in POINT_COLUMNS[1:5]}
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError, OverflowError):
        problems.add(where, N_("latitude and longitude must be numbers"))
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        problems.add(where, N_("[{lon}, {lat}] is out of range"), lon=lon, lat=lat)
        return None
    phone_text = _text(props, "phone", where, problems, required=False)
    phone = normalise_phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        problems.add(where, N_("phone {phone} is not a Kazakhstan number"), phone=shown(phone_text))
    if len(problems.items) > before:
        return None
    return PolicePoint(
        id=point_id,
        latitude=lat,
        longitude=lon,
        hours_kk=_text(props, "hours_kk", where, problems, required=False),
        hours_ru=_text(props, "hours_ru", where, problems, required=False),
        phone=phone,
        **values,
    )


def _precinct(
    props: dict[str, Any],
    geometry: dict[str, Any] | None,
    where: Where,
    problems: Problems,
    inspectors: dict[str, tuple[Inspector, Where]],
) -> Precinct | None:
    before = len(problems.items)
    precinct_id = _id(props, "id", where, problems)
    where = where.at("item", precinct_id)
    names = {key: _text(props, key, where, problems) for key in ("name_kk", "name_ru")}
    districts = {key: _text(props, key, where, problems) for key in ("district_kk", "district_ru")}
    listed = props.get("inspectors")
    if not isinstance(listed, list) or not listed:
        problems.add(where, N_("'inspectors' is missing (a list with at least one inspector)"))
        listed = []
    ids: list[str] = []
    if len(listed) > MAX_INSPECTORS:
        problems.add(where, N_("at most {limit} inspectors per precinct"), limit=MAX_INSPECTORS)
        listed = []
    for n, item in enumerate(listed, 1):
        inspector = _inspector(item, where.at("inspector", n), problems)
        if inspector is None:
            continue
        if inspector.id in ids:
            problems.add(
                where,
                N_("inspector {inspector} is listed twice"),
                inspector=shown(inspector.id),
            )
            continue
        seen = inspectors.get(inspector.id)
        if seen is not None and seen[0] != inspector:
            problems.add(
                where,
                N_("inspector {inspector} is also in {other} with different details"),
                inspector=shown(inspector.id),
                other=seen[1],
            )
        inspectors.setdefault(inspector.id, (inspector, where))
        ids.append(inspector.id)
    chat = props.get("staff_chat_id")
    if chat is not None and (
        not isinstance(chat, int) or isinstance(chat, bool) or not -(2**63) < chat < 0
    ):
        problems.add(where, N_("staff_chat_id must be a group's id (a negative number)"))
    thread = props.get("staff_thread_id")
    if thread is not None and (
        not isinstance(thread, int) or isinstance(thread, bool) or not 0 < thread < 2**31
    ):
        problems.add(where, N_("staff_thread_id must be a forum topic's id (a positive number)"))
    if geometry is None or len(problems.items) > before:
        return None
    return Precinct(
        id=precinct_id,
        geometry=geometry,
        inspector_ids=tuple(ids),
        point_id=_text(props, "point", where, problems, required=False) or None,
        staff_chat_id=chat,
        staff_thread_id=thread,
        **names,
        **districts,
    )


def parse_points_csv(text: str, name: str, problems: Problems) -> list[PolicePoint]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "name_kk", "name_ru", "address_kk", "address_ru", "latitude",
                           "longitude") if c not in (reader.fieldnames or [])]  # fmt: skip
    if missing:
        problems.add(
            Where(name).at("line", 1), N_("missing columns: {columns}"), columns=", ".join(missing)
        )
        return []
    points: list[PolicePoint] = []
    for row in reader:
        where = Where(name).at("line", reader.line_num)
        point = _point(dict(row), row.get("latitude"), row.get("longitude"), where, problems)
        if point is not None:
            points.append(point)
    return points


def _load_json(text: str, name: str, problems: Problems) -> list[Any] | None:
    try:
        data = json.loads(text)
    except RecursionError:
        problems.add(Where(name), N_("not JSON (nested too deep)"))
        return None
    except json.JSONDecodeError as exc:
        problems.add(
            Where(name), N_("not JSON ({detail} at line {line})"), detail=exc.msg, line=exc.lineno
        )
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        problems.add(Where(name), N_("not a GeoJSON FeatureCollection"))
        return None
    features = data.get("features")
    if not isinstance(features, list):
        problems.add(Where(name), N_("'features' must be a list"))
        return None
    return features


def parse_directory(
    text: str,
    name: str = "directory",
    points_text: str | None = None,
    points_name: str = "points",
    area: tuple[float, float, float, float] | None = None,
) -> tuple[Directory | None, list[Problem]]:
    """The directory the files describe, or None and every problem found. `area` (south,
    west, north, east): every precinct and point must lie in it (latitude and longitude
    swapped would put them elsewhere)."""
    problems = Problems()
    features = _load_json(text, name, problems)
    if features is None:
        return None, problems.items
    precincts: list[Precinct] = []
    points: list[PolicePoint] = []
    inspectors: dict[str, tuple[Inspector, Where]] = {}

    def point_features(items: list[Any], source: str) -> None:
        for n, feature in enumerate(items, 1):
            where = Where(source).at("feature", n)
            if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
                problems.add(where, N_("not a Feature with a geometry"))
                continue
            geometry = feature["geometry"]
            props = feature.get("properties") or {}
            if geometry.get("type") != "Point":
                if source == name:
                    precinct_feature(feature, where)
                else:
                    problems.add(where, N_("a police point must be a Point"))
                continue
            coordinates = geometry.get("coordinates")
            if not _coordinate(coordinates):
                problems.add(where, N_("a Point needs [longitude, latitude]"))
                continue
            point = _point(props, coordinates[1], coordinates[0], where, problems)
            if point is not None:
                points.append(point)

    def precinct_feature(feature: dict[str, Any], where: Where) -> None:
        props = feature.get("properties")
        if not isinstance(props, dict):
            problems.add(where, N_("'properties' is missing"))
            return
        label = where.at("item", props.get("id"))
        geometry = _geometry(feature["geometry"], label, problems)
        precinct = _precinct(props, geometry, where, problems, inspectors)
        if precinct is not None:
            precincts.append(precinct)

    point_features(features, name)
    if points_text is not None:
        if points_name.lower().endswith(".csv"):
            points.extend(parse_points_csv(points_text, points_name, problems))
        else:
            more = _load_json(points_text, points_name, problems)
            if more is not None:
                point_features(more, points_name)

    for text, ids in (
        (N_("precinct id {id} is used more than once"), [p.id for p in precincts]),
        (N_("police point id {id} is used more than once"), [p.id for p in points]),
    ):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        for duplicate in duplicates:
            problems.add(Where(name), text, id=shown(duplicate))
    known_points = {p.id for p in points}
    for precinct in precincts:
        if precinct.point_id and precinct.point_id not in known_points:
            problems.add(
                Where(name),
                N_("precinct {precinct}: no police point {point}"),
                precinct=shown(precinct.id),
                point=shown(precinct.point_id),
            )
    for inspector, where in inspectors.values():
        if inspector.point_id and inspector.point_id not in known_points:
            problems.add(
                where,
                N_("inspector {inspector}: no police point {point}"),
                inspector=shown(inspector.id),
                point=shown(inspector.point_id),
            )
    if area is not None:
        south, west, north, east = area
        box = shapely.box(west, south, east, north)
        for precinct in precincts:
            if not shape(precinct.geometry).intersects(box):
                problems.add(
                    Where(name),
                    N_("precinct {precinct} is outside the service area (longitude comes first)"),
                    precinct=shown(precinct.id),
                )
        for point in points:
            if not (south <= point.latitude <= north and west <= point.longitude <= east):
                problems.add(
                    Where(name),
                    N_("police point {point} is outside the service area"),
                    point=shown(point.id),
                )
    if not precincts and not problems.items:
        problems.add(Where(name), N_("no precincts (Polygon or MultiPolygon features)"))
    if problems.items:
        return None, problems.items
    directory = Directory.build(
        tuple(precincts), tuple(i for i, _ in inspectors.values()), tuple(points)
    )
    for a, b in directory.overlaps():
        problems.add(
            Where(name),
            N_("precincts {a} and {b} overlap (they may only share a border)"),
            a=shown(a),
            b=shown(b),
        )
    if problems.items:
        return None, problems.items
    return directory, []
