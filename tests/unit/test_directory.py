"""The directory: point-in-precinct lookup at its edges, and every rule of the importer."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.domain.directory_file import normalise_phone, parse_directory
from bot.resources import demo_directory_path
from bot.services.directory import DirectoryService
from bot.storage.db import Database
from tests.conftest import FixedClock


def square(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def inspector(inspector_id: str = "ins-1", **extra: Any) -> dict[str, Any]:
    return {
        "id": inspector_id,
        "full_name": "Тестов Тест",
        "rank_kk": "полиция капитаны",
        "rank_ru": "капитан полиции",
        "phones": ["8 (600) 000-00-01"],
        **extra,
    }


def precinct(precinct_id: str, geometry: dict[str, Any], **extra: Any) -> dict[str, Any]:
    props = {
        "id": precinct_id,
        "name_kk": f"{precinct_id} kk",
        "name_ru": f"{precinct_id} ru",
        "district_kk": "Әл-Фараби ауданы",
        "district_ru": "Аль-Фарабийский район",
        "inspectors": [inspector(f"ins-{precinct_id}")],
    }
    props.update(extra)
    return {"type": "Feature", "geometry": geometry, "properties": props}


def point(point_id: str, lon: float, lat: float) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "id": point_id,
            "name_kk": "Пункт",
            "name_ru": "Пункт",
            "address_kk": "мекенжай",
            "address_ru": "адрес",
        },
    }


def collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


WITH_HOLE = {
    "type": "MultiPolygon",
    "coordinates": [
        [square(0, 0, 10, 10), square(4, 4, 6, 6)[::-1]],  # a hole in the middle
        [square(20, 0, 30, 10)],
    ],
}


def parse(*features: dict[str, Any]) -> tuple[Any, list[str]]:
    directory, problems = parse_directory(collection(*features), "test.geojson")
    return directory, [str(p) for p in problems]


def test_inside_outside_border_and_holes() -> None:
    directory, problems = parse(
        precinct("a", {"type": "Polygon", "coordinates": [square(-10, 0, 0, 10)]}),
        precinct("b", WITH_HOLE),
        point("p1", 5, 5),
        point("p2", 50, 50),
    )
    assert problems == []
    assert directory.precinct_at(2, 2).id == "b"
    assert directory.precinct_at(5, 25).id == "b", "the second polygon of the multipolygon"
    assert directory.precinct_at(5, 5) is None, "inside the hole"
    assert directory.precinct_at(5, -5).id == "a"
    assert directory.precinct_at(5, 15) is None, "between the polygons"
    # on the border a and b share, the answer never changes: the smaller id
    assert {directory.precinct_at(5, 0).id for _ in range(20)} == {"a"}
    assert directory.precinct_at(0, 0).id == "a", "a corner too"
    point_found, metres = directory.nearest_point(5.1, 15)
    assert point_found.id == "p1" and 1_000_000 < metres < 1_200_000


@pytest.mark.parametrize(
    ("feature", "problem"),
    [
        (
            precinct("x", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
            "not closed",
        ),
        (
            precinct("x", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}),
            "at least 4 positions",
        ),
        (
            precinct("x", {"type": "Polygon", "coordinates": [square(0, 0, 200, 1)]}),
            "out of range",
        ),
        (
            precinct(
                "x",
                {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]},
            ),
            "Self-intersection",
        ),
        (precinct("x", {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}), "LineString"),
        (
            precinct("x", {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]}, name_ru=""),
            "'name_ru' is missing",
        ),
        (
            precinct("x", {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]}, inspectors=[]),
            "at least one inspector",
        ),
        (
            precinct(
                "x",
                {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]},
                inspectors=[inspector(phones=["+1 202 555 0100"])],
            ),
            "not a Kazakhstan number",
        ),
        (
            precinct(
                "x",
                {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]},
                inspectors=[inspector(telegram="@no")],
            ),
            "not a Telegram username",
        ),
        (
            precinct(
                "x", {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]}, point="nowhere"
            ),
            "no police point 'nowhere'",
        ),
        (
            precinct("x y", {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]}),
            "may hold only letters",
        ),
        (
            precinct(
                "x", {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]}, staff_chat_id=5
            ),
            "staff_chat_id",
        ),
    ],
)
def test_each_problem_is_named_with_its_feature(feature: dict[str, Any], problem: str) -> None:
    directory, problems = parse(feature)
    assert directory is None
    assert any(problem in p for p in problems), problems
    assert all(p.startswith("test.geojson") for p in problems)
    assert any("feature 1" in p for p in problems) or any("no police point" in p for p in problems)


def test_duplicates_overlaps_and_conflicting_inspectors() -> None:
    a = precinct("a", {"type": "Polygon", "coordinates": [square(0, 0, 2, 2)]})
    _, problems = parse(a, copy.deepcopy(a))
    assert "test.geojson: precinct id 'a' is used more than once" in problems
    b = precinct("b", {"type": "Polygon", "coordinates": [square(1, 1, 3, 3)]})
    _, problems = parse(a, b)
    assert problems == [
        "test.geojson: precincts 'a' and 'b' overlap (they may only share a border)"
    ]
    c = precinct("c", {"type": "Polygon", "coordinates": [square(5, 5, 6, 6)]})
    c["properties"]["inspectors"] = [inspector("ins-a", full_name="Другой Человек")]
    _, problems = parse(a, c)
    assert any("inspector 'ins-a' is also in" in p for p in problems)
    _, found = parse_directory("{not json", "bad.geojson")
    assert str(found[0]).startswith("bad.geojson: not JSON")
    _, found = parse_directory('{"type": "Feature"}', "bad.geojson")
    assert [str(p) for p in found] == ["bad.geojson: not a GeoJSON FeatureCollection"]


def test_points_from_a_csv_with_line_numbers() -> None:
    csv_text = (
        "id,name_kk,name_ru,address_kk,address_ru,latitude,longitude,hours_kk,hours_ru,phone\n"
        "p1,Пункт,Пункт,мекенжай,адрес,42.3,69.6,,,+7 600 000 00 09\n"
        "p2,Пункт,Пункт,мекенжай,адрес,north,69.6,,,\n"
        "p3,Пункт,,мекенжай,адрес,42.3,69.6,,,\n"
    )
    feature = precinct("a", {"type": "Polygon", "coordinates": [square(69, 42, 70, 43)]})
    _, found = parse_directory(collection(feature), "d.geojson", csv_text, "points.csv")
    assert [str(p) for p in found] == [
        "points.csv line 3 (p2): latitude and longitude must be numbers",
        "points.csv line 4 (p3): 'name_ru' is missing",
    ]
    good = "\n".join(csv_text.splitlines()[:2])
    directory, problems = parse_directory(collection(feature), "d.geojson", good, "points.csv")
    assert problems == [] and directory.points[0].phone == "+76000000009"


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("+7 700 123 45 67", "+77001234567"),
        ("8 (7252) 53-00-00", "+77252530000"),
        ("87011234567", "+77011234567"),
        ("7011234567", "+77011234567"),
        ("+7-600-000-00-01", "+76000000001"),
        ("+1 202 555 0100", None),
        ("102", None),
        ("+7 495 123 45 67", None),  # Moscow: +7, but not Kazakhstan
        ("phone", None),
    ],
)
def test_phone_numbers_become_plus_seven(raw: str, normal: str | None) -> None:
    assert normalise_phone(raw) == normal


def test_the_demo_data_is_valid_and_marked_as_demo() -> None:
    text = demo_directory_path().read_text("utf-8")
    directory, problems = parse_directory(text, "demo")
    assert problems == []
    assert {p.id for p in directory.precincts} == {"zhd-vokzal", "yubileyny", "mzhk", "koksay-1"}
    assert all("(демо)" in i.full_name for i in directory.inspectors)
    assert all(phone.startswith("+76") for i in directory.inspectors for phone in i.phones)
    assert "DEMO DATA" in json.loads(text)["name"]


async def test_import_replaces_everything_at_once_or_nothing(
    db: Database, clock: FixedClock
) -> None:
    service = DirectoryService(db, clock)
    first = await service.import_demo()
    assert first.applied and first.counts == {"precincts": 4, "inspectors": 4, "points": 3}
    assert first.changes["precincts"].added == ("koksay-1", "mzhk", "yubileyny", "zhd-vokzal")

    bad = collection(
        precinct("a", {"type": "Polygon", "coordinates": [square(69, 42, 70, 43)]}),
        precinct("b", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
    )
    result = await service.import_text(bad, "bad.geojson")
    assert not result.applied and result.problems
    fresh = DirectoryService(db, clock)
    assert len((await fresh.load()).precincts) == 4, "nothing changed"

    one = collection(precinct("a", {"type": "Polygon", "coordinates": [square(69, 42, 70, 43)]}))
    dry = await service.import_text(one, "one.geojson", dry_run=True)
    assert not dry.applied and dry.changes["precincts"].added == ("a",)
    assert len(dry.changes["precincts"].removed) == 4
    assert len((await fresh.load()).precincts) == 4, "a dry run changes nothing"

    done = await service.import_text(one, "one.geojson", by_user_id=7, by_name="Admin")
    assert done.applied
    loaded = await fresh.load()
    assert [p.id for p in loaded.precincts] == ["a"] and loaded.precinct_at(42.5, 69.5).id == "a"
    status = await fresh.status()
    assert status["last_import"]["source"] == "one.geojson"
    assert status["last_import"]["by_name"] == "Admin"


async def test_lookup_inside_and_outside(db: Database, clock: FixedClock) -> None:
    service = DirectoryService(db, clock)
    await service.import_demo()
    found = service.lookup(42.300, 69.605)
    assert found.precinct is not None and found.precinct.id == "zhd-vokzal"
    assert [i.id for i in found.inspectors] == ["demo-ins-1"]
    assert found.point is not None and found.point.id == "mpp-zhd"
    outside = service.lookup(42.45, 69.60)
    assert outside.precinct is None and outside.point is not None
    assert outside.point.id == "station-alfarabi" and outside.distance_m is not None


def test_hostile_or_careless_files_get_problems_not_exceptions() -> None:
    box = {"type": "Polygon", "coordinates": [square(69, 42, 70, 43)]}
    twice = precinct("a", box, inspectors=[inspector("ins-1"), inspector("ins-1")])
    assert any("listed twice" in p for p in parse(twice)[1])
    huge_chat = precinct("a", box, staff_chat_id=-(10**30))
    assert any("staff_chat_id" in p for p in parse(huge_chat)[1])
    huge_number = precinct(
        "a", {"type": "Polygon", "coordinates": [[[10**400, 0], [1, 0], [1, 1], [10**400, 0]]]}
    )
    problems = parse(huge_number)[1]
    assert any("is not a [longitude, latitude] pair" in p for p in problems)
    assert all(len(p) < 300 for p in problems), "a wrong value is quoted short"
    crowded = precinct("a", box, inspectors=[inspector(f"i{n}") for n in range(6)])
    assert any("at most 5 inspectors" in p for p in parse(crowded)[1])
    deep = "[" * 100_000 + "]" * 100_000
    _, found = parse_directory(deep, "deep.geojson")
    assert [str(p) for p in found] == ["deep.geojson: not JSON (nested too deep)"]


def test_slivers_are_borders_but_swapped_coordinates_are_not() -> None:
    a = precinct("a", {"type": "Polygon", "coordinates": [square(69.0, 42.0, 69.5, 43.0)]})
    sliver = precinct(
        "b", {"type": "Polygon", "coordinates": [square(69.5 - 1e-12, 42.0, 70.0, 43.0)]}
    )
    directory, problems = parse(a, sliver)
    assert problems == [] and directory is not None, "0.1 mm of digitising noise is fine"
    swapped = precinct("c", {"type": "Polygon", "coordinates": [square(42.0, 69.0, 43.0, 69.5)]})
    area = (42.2, 69.4, 42.5, 69.9)
    _, found = parse_directory(collection(swapped), "s.geojson", area=area)
    assert [str(p) for p in found] == [
        "s.geojson: precinct 'c' is outside the service area (longitude comes first)"
    ]
