"""The directory: precincts with their boundaries, district inspectors and police points, and
the lookup from a point to its precinct (a spatial index, not a loop)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import shapely
import shapely.ops
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree


@dataclass(frozen=True, slots=True)
class PolicePoint:
    """A modular police point or a station: where inspectors receive residents."""

    id: str
    name_kk: str
    name_ru: str
    address_kk: str
    address_ru: str
    latitude: float
    longitude: float
    hours_kk: str = ""
    hours_ru: str = ""
    phone: str | None = None

    def name(self, locale: str) -> str:
        return self.name_kk if locale == "kk" else self.name_ru

    def address(self, locale: str) -> str:
        return self.address_kk if locale == "kk" else self.address_ru

    def hours(self, locale: str) -> str:
        return self.hours_kk if locale == "kk" else self.hours_ru


@dataclass(frozen=True, slots=True)
class Inspector:
    """A district inspector (учаскелік полиция инспекторы / участковый инспектор)."""

    id: str
    full_name: str
    rank_kk: str
    rank_ru: str
    phones: tuple[str, ...]
    reception_kk: str = ""
    reception_ru: str = ""
    point_id: str | None = None
    email: str | None = None
    telegram: str | None = None  # a username, without @
    photo_url: str | None = None

    def rank(self, locale: str) -> str:
        return self.rank_kk if locale == "kk" else self.rank_ru

    def reception(self, locale: str) -> str:
        return self.reception_kk if locale == "kk" else self.reception_ru


@dataclass(frozen=True, slots=True)
class Precinct:
    """A district inspector's area (учаске / участок)."""

    id: str
    name_kk: str
    name_ru: str
    district_kk: str
    district_ru: str
    geometry: dict[str, Any]  # GeoJSON Polygon or MultiPolygon, [longitude, latitude]
    inspector_ids: tuple[str, ...] = ()
    point_id: str | None = None
    #: where its reports go: a staff chat of its own, and/or a forum topic there
    staff_chat_id: int | None = None
    staff_thread_id: int | None = None

    def name(self, locale: str) -> str:
        return self.name_kk if locale == "kk" else self.name_ru

    def district(self, locale: str) -> str:
        return self.district_kk if locale == "kk" else self.district_ru


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a report belongs: its precinct and inspector, and where its post goes."""

    precinct_id: str | None = None
    inspector_id: str | None = None
    staff_chat_id: int | None = None  # None: the main staff group
    staff_thread_id: int | None = None  # the precinct's own forum topic, shared by its reports


@dataclass(frozen=True)
class Directory:
    """Everything the directory holds, with the lookups built once."""

    precincts: tuple[Precinct, ...] = ()
    inspectors: tuple[Inspector, ...] = ()
    points: tuple[PolicePoint, ...] = ()
    _shapes: list[BaseGeometry] = field(default_factory=list, repr=False, compare=False)
    _tree: STRtree | None = field(default=None, repr=False, compare=False)
    _ids: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        precincts: tuple[Precinct, ...],
        inspectors: tuple[Inspector, ...],
        points: tuple[PolicePoint, ...],
    ) -> Directory:
        # sorted by id: among precincts that share a border the first one answers, always
        ordered = tuple(sorted(precincts, key=lambda p: p.id))
        shapes = [shape(p.geometry) for p in ordered]
        for geometry in shapes:
            shapely.prepare(geometry)
        tree = STRtree(shapes) if shapes else None
        ids: dict[str, dict[str, Any]] = {
            "precinct": {p.id: p for p in ordered},
            "inspector": {i.id: i for i in inspectors},
            "point": {p.id: p for p in points},
            "index": {p.id: n for n, p in enumerate(ordered)},
        }
        return cls(ordered, inspectors, points, shapes, tree, ids)

    @property
    def empty(self) -> bool:
        return not self.precincts

    def precinct_at(self, latitude: float, longitude: float) -> Precinct | None:
        """The precinct that covers the point; on a shared border, the one with the smallest
        id (deterministic); None outside every precinct."""
        if self._tree is None:
            return None
        hits = self._tree.query(Point(longitude, latitude), predicate="intersects")
        if len(hits) == 0:
            return None
        return self.precincts[int(min(hits))]

    def overlaps(self, tolerance: float = 1e-9) -> list[tuple[str, str]]:
        """Pairs of precincts whose areas overlap by more than `tolerance` square degrees
        (about 10 m²: digitised borders leave slivers); a shared border is fine."""
        if self._tree is None:
            return []
        pairs: set[tuple[int, int]] = set()
        for predicate in ("overlaps", "within"):  # one inside another is not "overlaps"
            left, right = self._tree.query(self._shapes, predicate=predicate)
            pairs |= {
                (min(int(a), int(b)), max(int(a), int(b)))
                for a, b in zip(left, right, strict=True)
                if a != b
            }
        return [
            (self.precincts[a].id, self.precincts[b].id)
            for a, b in sorted(pairs)
            if self._shapes[a].intersection(self._shapes[b]).area > tolerance
        ]

    def nearest_point(self, latitude: float, longitude: float) -> tuple[PolicePoint, float] | None:
        """The nearest police point and its distance in metres (great-circle; a city has tens of
        points, so every one is measured)."""
        if not self.points:
            return None
        best = min(
            self.points,
            key=lambda p: (distance_m(latitude, longitude, p.latitude, p.longitude), p.id),
        )
        return best, distance_m(latitude, longitude, best.latitude, best.longitude)

    def distance_to_precinct(self, latitude: float, longitude: float, precinct_id: str) -> float:
        """Metres from a point to a precinct: 0 inside it, else to the nearest point of its
        border (measured great-circle); infinity for a precinct not in the directory."""
        index = self._ids.get("index", {}).get(precinct_id)
        if index is None:
            return math.inf
        area = self._shapes[index]
        here = Point(longitude, latitude)
        if area.covers(here):
            return 0.0
        nearest = shapely.ops.nearest_points(area, here)[0]
        return distance_m(latitude, longitude, nearest.y, nearest.x)

    def inspector(self, inspector_id: str) -> Inspector | None:
        return self._ids.get("inspector", {}).get(inspector_id)

    def point(self, point_id: str | None) -> PolicePoint | None:
        return self._ids.get("point", {}).get(point_id) if point_id else None

    def precinct(self, precinct_id: str | None) -> Precinct | None:
        return self._ids.get("precinct", {}).get(precinct_id) if precinct_id else None

    def inspectors_of(self, precinct: Precinct) -> list[Inspector]:
        found = [self.inspector(i) for i in precinct.inspector_ids]
        return [i for i in found if i is not None]

    def find(self, text: str, locale: str) -> list[Precinct]:
        """Precincts whose name or district contains the typed words (no geocoder offline)."""
        needle = " ".join(text.casefold().split())
        if len(needle) < 3:
            return []
        return [
            p
            for p in self.precincts
            if needle in p.name_kk.casefold()
            or needle in p.name_ru.casefold()
            or needle in f"{p.district_kk} {p.district_ru}".casefold()
        ]


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
