"""Reading a directory file: a GeoJSON FeatureCollection of precincts (Polygon/MultiPolygon,
their inspectors in the properties) and police points (Point features, or a separate CSV or
GeoJSON file). Everything is checked first; each problem names its feature or line."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.validation import explain_validity

from bot.domain.directory import Directory, Inspector, PolicePoint, Precinct

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 200
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
    """A Kazakhstan number in +7XXXXXXXXXX form (from 8 7xx…, 7 7xx…, +7 (7xx) …-…), or None."""
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


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")


def _text(
    props: dict[str, Any], key: str, where: str, problems: Problems, *, required: bool = True
) -> str:
    value = props.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(where, f"'{key}' is missing")
        return ""
    if not isinstance(value, str):
        problems.add(where, f"'{key}' must be text")
        return ""
    value = " ".join(value.split())
    if len(value) > MAX_TEXT:
        problems.add(where, f"'{key}' is longer than {MAX_TEXT} characters")
    return value


def _id(props: dict[str, Any], key: str, where: str, problems: Problems) -> str:
    value = _text(props, key, where, problems)
    if value and not ID.match(value):
        problems.add(where, f"'{key}' {value!r} may hold only letters, digits, '_', '.', '-'")
    return value


def _coordinate(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) >= 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2])
        and all(math.isfinite(v) for v in value[:2])
    )


def _check_rings(rings: Any, where: str, problems: Problems) -> bool:
    if not isinstance(rings, list) or not rings:
        problems.add(where, "a polygon needs at least one ring")
        return False
    ok = True
    for n, ring in enumerate(rings, 1):
        label = "outer ring" if n == 1 else f"hole {n - 1}"
        if not isinstance(ring, list) or len(ring) < 4:
            problems.add(where, f"{label}: a ring needs at least 4 positions")
            ok = False
            continue
        for position in ring:
            if not _coordinate(position):
                problems.add(where, f"{label}: {position!r} is not a [longitude, latitude] pair")
                ok = False
                break
            lon, lat = position[0], position[1]
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                problems.add(where, f"{label}: [{lon}, {lat}] is out of range (longitude first)")
                ok = False
                break
        else:
            if list(ring[0][:2]) != list(ring[-1][:2]):
                problems.add(
                    where, f"{label}: not closed (the last position must repeat the first)"
                )
                ok = False
    return ok


def _geometry(geometry: Any, where: str, problems: Problems) -> dict[str, Any] | None:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        ok = _check_rings(coordinates, where, problems)
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            problems.add(where, "a MultiPolygon needs at least one polygon")
            return None
        ok = all(
            [
                _check_rings(p, f"{where}, polygon {n}", problems)
                for n, p in enumerate(coordinates, 1)
            ]
        )
    else:
        problems.add(where, f"a precinct must be a Polygon or MultiPolygon, not {kind}")
        return None
    if not ok:
        return None
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, GEOSException) as exc:
        problems.add(where, f"invalid geometry: {exc}")
        return None
    if not geom.is_valid:
        problems.add(where, f"invalid geometry: {explain_validity(geom)}")
        return None
    if geom.area == 0:
        problems.add(where, "the boundary encloses no area")
        return None
    return {"type": kind, "coordinates": coordinates}


def _phones(value: Any, where: str, problems: Problems) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        problems.add(where, "'phones' is missing (a list of numbers)")
        return ()
    phones: list[str] = []
    for raw in value:
        phone = normalise_phone(raw) if isinstance(raw, str) else None
        if phone is None:
            problems.add(where, f"phone {raw!r} is not a Kazakhstan number (+7 7xx xxx xx xx)")
        elif phone not in phones:
            phones.append(phone)
    return tuple(phones)


def _inspector(item: Any, where: str, problems: Problems) -> Inspector | None:
    if not isinstance(item, dict):
        problems.add(where, "an inspector must be an object")
        return None
    before = len(problems.items)
    inspector_id = _id(item, "id", where, problems)
    where = f"{where} ({inspector_id or '?'})"
    full_name = _text(item, "full_name", where, problems)
    rank_kk = _text(item, "rank_kk", where, problems)
    rank_ru = _text(item, "rank_ru", where, problems)
    phones = _phones(item.get("phones"), where, problems)
    email = _text(item, "email", where, problems, required=False) or None
    if email and not EMAIL.match(email):
        problems.add(where, f"email {email!r} is not an address")
    telegram = (_text(item, "telegram", where, problems, required=False) or "").lstrip("@")
    if telegram and not USERNAME.match(telegram):
        problems.add(where, f"telegram {telegram!r} is not a Telegram username")
    photo = _text(item, "photo_url", where, problems, required=False) or None
    if photo and not photo.startswith("https://"):
        problems.add(where, "photo_url must be an https:// address")
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
    props: dict[str, Any], latitude: Any, longitude: Any, where: str, problems: Problems
) -> PolicePoint | None:
    before = len(problems.items)
    point_id = _id(props, "id", where, problems)
    where = f"{where} ({point_id or '?'})"
    values = {key: _text(props, key, where, problems) for key in POINT_COLUMNS[1:5]}
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        problems.add(where, "latitude and longitude must be numbers")
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        problems.add(where, f"[{lon}, {lat}] is out of range")
        return None
    phone_text = _text(props, "phone", where, problems, required=False)
    phone = normalise_phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        problems.add(where, f"phone {phone_text!r} is not a Kazakhstan number")
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
    where: str,
    problems: Problems,
    inspectors: dict[str, tuple[Inspector, str]],
) -> Precinct | None:
    before = len(problems.items)
    precinct_id = _id(props, "id", where, problems)
    where = f"{where} ({precinct_id or '?'})"
    names = {key: _text(props, key, where, problems) for key in ("name_kk", "name_ru")}
    districts = {key: _text(props, key, where, problems) for key in ("district_kk", "district_ru")}
    listed = props.get("inspectors")
    if not isinstance(listed, list) or not listed:
        problems.add(where, "'inspectors' is missing (a list with at least one inspector)")
        listed = []
    ids: list[str] = []
    for n, item in enumerate(listed, 1):
        inspector = _inspector(item, f"{where}, inspector {n}", problems)
        if inspector is None:
            continue
        seen = inspectors.get(inspector.id)
        if seen is not None and seen[0] != inspector:
            problems.add(
                where,
                f"inspector {inspector.id!r} is also in {seen[1]} with different details",
            )
        inspectors.setdefault(inspector.id, (inspector, where))
        ids.append(inspector.id)
    chat = props.get("staff_chat_id")
    if chat is not None and (not isinstance(chat, int) or isinstance(chat, bool) or chat >= 0):
        problems.add(where, "staff_chat_id must be a group's id (a negative number)")
    thread = props.get("staff_thread_id")
    if thread is not None and (
        not isinstance(thread, int) or isinstance(thread, bool) or thread <= 0
    ):
        problems.add(where, "staff_thread_id must be a forum topic's id (a positive number)")
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
        problems.add(f"{name} line 1", f"missing columns: {', '.join(missing)}")
        return []
    points: list[PolicePoint] = []
    for row in reader:
        where = f"{name} line {reader.line_num}"
        point = _point(dict(row), row.get("latitude"), row.get("longitude"), where, problems)
        if point is not None:
            points.append(point)
    return points


def _load_json(text: str, name: str, problems: Problems) -> list[Any] | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add(name, f"not JSON ({exc.msg} at line {exc.lineno})")
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        problems.add(name, "not a GeoJSON FeatureCollection")
        return None
    features = data.get("features")
    if not isinstance(features, list):
        problems.add(name, "'features' must be a list")
        return None
    return features


def parse_directory(
    text: str,
    name: str = "directory",
    points_text: str | None = None,
    points_name: str = "points",
) -> tuple[Directory | None, list[str]]:
    """The directory the files describe, or None and every problem found."""
    problems = Problems()
    features = _load_json(text, name, problems)
    if features is None:
        return None, problems.items
    precincts: list[Precinct] = []
    points: list[PolicePoint] = []
    inspectors: dict[str, tuple[Inspector, str]] = {}

    def point_features(items: list[Any], source: str) -> None:
        for n, feature in enumerate(items, 1):
            where = f"{source} feature {n}"
            if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
                problems.add(where, "not a Feature with a geometry")
                continue
            geometry = feature["geometry"]
            props = feature.get("properties") or {}
            if geometry.get("type") != "Point":
                if source == name:
                    precinct_feature(feature, where)
                else:
                    problems.add(where, "a police point must be a Point")
                continue
            coordinates = geometry.get("coordinates")
            if not _coordinate(coordinates):
                problems.add(where, "a Point needs [longitude, latitude]")
                continue
            point = _point(props, coordinates[1], coordinates[0], where, problems)
            if point is not None:
                points.append(point)

    def precinct_feature(feature: dict[str, Any], where: str) -> None:
        props = feature.get("properties")
        if not isinstance(props, dict):
            problems.add(where, "'properties' is missing")
            return
        label = f"{where} ({props.get('id') or '?'})"
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

    for kind, ids in (
        ("precinct", [p.id for p in precincts]),
        ("police point", [p.id for p in points]),
    ):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        for duplicate in duplicates:
            problems.add(name, f"{kind} id {duplicate!r} is used more than once")
    known_points = {p.id for p in points}
    for precinct in precincts:
        if precinct.point_id and precinct.point_id not in known_points:
            problems.add(name, f"precinct {precinct.id!r}: no police point {precinct.point_id!r}")
    for inspector, where in inspectors.values():
        if inspector.point_id and inspector.point_id not in known_points:
            problems.add(
                where, f"inspector {inspector.id!r}: no police point {inspector.point_id!r}"
            )
    if not precincts and not problems.items:
        problems.add(name, "no precincts (Polygon or MultiPolygon features)")
    if problems.items:
        return None, problems.items
    directory = Directory.build(
        tuple(precincts), tuple(i for i, _ in inspectors.values()), tuple(points)
    )
    for a, b in directory.overlaps():
        problems.add(name, f"precincts {a!r} and {b!r} overlap (they may only share a border)")
    if problems.items:
        return None, problems.items
    return directory, []
