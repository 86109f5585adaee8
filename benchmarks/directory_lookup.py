"""Point-to-precinct lookup with a national-size directory: the import (parse and check every
rule), building the spatial index, and the time per lookup (p50/p99) for random points, some in
no precinct at all.

The precincts are a grid of irregular quadrilaterals (their shared corners jittered, so the
boundaries are not axis-aligned boxes) with an inspector each, over a box the size of a region.

    python -m benchmarks.directory_lookup --precincts 5000 --lookups 20000
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time

from bot.domain.directory_file import parse_directory
from bot.testing.directories import grid


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


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
