"""Point-to-precinct lookup with a national-size directory: the import (parse and check every
rule), building the spatial index, and the time per lookup (p50/p99) for random points, some in
no precinct at all.

The precincts are a grid of irregular quadrilaterals (their shared corners jittered, so the
boundaries are not axis-aligned boxes) with an inspector each, over a box the size of a region.

    python -m benchmarks.directory_lookup --precincts 5000 --lookups 20000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import time

from bot.domain.directory_file import parse_directory


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def grid(count: int, seed: int = 7) -> tuple[str, tuple[float, float, float, float]]:
    """`count` precincts on a jittered grid around Shymkent; the GeoJSON and its bounds."""
    rng = random.Random(seed)
    columns = math.ceil(math.sqrt(count * 2))
    rows = math.ceil(count / columns)
    west, south, step = 68.0, 41.5, 0.01
    corners = {
        (c, r): (
            west + c * step + (rng.uniform(-0.3, 0.3) * step if 0 < c < columns else 0),
            south + r * step + (rng.uniform(-0.3, 0.3) * step if 0 < r < rows else 0),
        )
        for c in range(columns + 1)
        for r in range(rows + 1)
    }
    features = []
    for n in range(count):
        c, r = n % columns, n // columns
        ring = [corners[(c, r)], corners[(c + 1, r)], corners[(c + 1, r + 1)], corners[(c, r + 1)]]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
                "properties": {
                    "id": f"p{n}",
                    "name_kk": f"Учаске {n}",
                    "name_ru": f"Участок {n}",
                    "district_kk": "Аудан",
                    "district_ru": "Район",
                    "inspectors": [
                        {
                            "id": f"i{n}",
                            "full_name": f"Инспектор {n}",
                            "rank_kk": "капитан",
                            "rank_ru": "капитан",
                            "phones": [f"+7 600 {n:07d}"],
                        }
                    ],
                },
            }
        )
    bounds = (west, south, west + columns * step, south + rows * step)
    return json.dumps({"type": "FeatureCollection", "features": features}), bounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precincts", type=int, default=5000)
    parser.add_argument("--lookups", type=int, default=20000)
    args = parser.parse_args()

    text, (west, south, east, north) = grid(args.precincts)
    started = time.perf_counter()
    directory, problems = parse_directory(text, "bench.geojson")
    parsed = time.perf_counter() - started
    assert directory is not None, [str(p) for p in problems[:3]]

    rng = random.Random(11)
    margin = 0.05  # some points fall outside every precinct
    points = [
        (rng.uniform(south - margin, north + margin), rng.uniform(west - margin, east + margin))
        for _ in range(args.lookups)
    ]
    for lat, lon in points[:200]:  # warm up
        directory.precinct_at(lat, lon)
    timings = []
    found = 0
    for lat, lon in points:
        t0 = time.perf_counter_ns()
        hit = directory.precinct_at(lat, lon)
        timings.append(time.perf_counter_ns() - t0)
        found += hit is not None
    timings.sort()
    p50 = timings[len(timings) // 2] / 1000
    p99 = timings[int(len(timings) * 0.99)] / 1000
    print(f"machine: {machine()}")
    print(
        f"{args.precincts} precincts ({len(text) / 1e6:.1f} MB of GeoJSON): parsed, checked "
        f"(validity, overlaps) and indexed in {parsed:.2f} s"
    )
    print(
        f"{args.lookups} lookups ({found} inside a precinct): p50 {p50:.1f} µs, "
        f"p99 {p99:.1f} µs, mean {statistics.fmean(timings) / 1000:.1f} µs"
    )


if __name__ == "__main__":
    main()
