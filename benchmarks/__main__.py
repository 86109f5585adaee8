"""Every benchmark, one after the other, each in its own process; then the figures in one table.

    python -m benchmarks            # the whole suite, about 6 minutes on 2 cores
    python -m benchmarks --quick    # every benchmark at a small size (a smoke run, ~1 minute)

Each benchmark prints its own figures and the machine; this runner adds the wall time and the
peak memory (maximum RSS) of each process, and ends with the README's tables: the targets of
issue 11, then how time and memory grow at 10× and 100× the size.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.directory_lookup import machine


def _run(
    name: str, args: list[str], out: Path | None = None
) -> tuple[dict[str, Any], float, float]:
    """Run one benchmark; its JSON figures (if it writes them), wall seconds, peak RSS MiB."""
    command = [sys.executable, "-m", f"benchmarks.{name}", *args]
    if out is not None:
        command += ["--json", str(out)]
    print(f"\n$ python -m benchmarks.{name} {' '.join(args)}", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True)
    took = time.perf_counter() - started
    # ru_maxrss of the children is the largest of any child so far (KiB on Linux): each run is
    # reported only when it raised that figure; the tables below use what the runs print
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures = json.loads(out.read_text()) if out is not None and out.exists() else {}
    print(f"({took:.0f} s{f', peak RSS {peak / 1024:.0f} MiB' if peak > before else ''})")
    return figures, took, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    quick = parser.parse_args().quick
    # (base size, then 10× and 100×): residents through the throughput flows, reports stored
    people = [5, 50] if quick else [20, 200, 2000]
    reports = [1000, 10000] if quick else [10_000, 100_000, 1_000_000]
    helpers = 100 if quick else 2000
    began = time.perf_counter()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        _run("directory_lookup", ["--precincts", "500" if quick else "5000"])
        throughput = []
        for n, size in enumerate(people):
            figures, _, _ = _run(
                "throughput",
                ["--people", str(size), "--echoes", "1000" if quick else "5000"],
                tmp / f"throughput{n}.json",
            )
            throughput.append(figures)
        scale = []
        for n, size in enumerate(reports):
            database = tmp / f"scale{n}.db"
            _run("seed", ["--reports", str(size), "--out", str(database)])
            figures, _, _ = _run(
                "data_scale",
                ["--database", str(database), "--samples", "200" if quick else "1000"],
                tmp / f"scale{n}.json",
            )
            scale.append(figures)
        biggest = tmp / f"scale{len(reports) - 1}.db"
        fresh, _, _ = _run("cold_start", ["--runs", "1" if quick else "3"], tmp / "cold.json")
        loaded, _, _ = _run(
            "cold_start",
            ["--runs", "1" if quick else "3", "--database", str(biggest)],
            tmp / "cold_big.json",
        )
        biggest.unlink()
        broadcast, _, _ = _run("duty_broadcast", ["--helpers", str(helpers)], tmp / "duty.json")
        _run("burst_replies", ["--users", "20" if quick else "100"])
        # resident → staff relays through the bot as a process (`--baseline <commit>` alone)
        _run(
            "relay",
            [
                *("--people", "10" if quick else "50"),
                *("--each", "3" if quick else "10"),
                *("--rounds", "1" if quick else "2"),
            ],
            tmp / "relay.json",
        )
        _run(
            "survey_fanout",
            ["--followers", "2000" if quick else "50000", "--answers", "500" if quick else "10000"],
        )
    summary(throughput, scale, fresh, loaded, broadcast, people, reports)
    print(f"\nthe whole suite took {time.perf_counter() - began:.0f} s")


def summary(
    throughput: list[dict[str, Any]],
    scale: list[dict[str, Any]],
    fresh: dict[str, Any],
    loaded: dict[str, Any],
    broadcast: dict[str, Any],
    people: list[int],
    reports: list[int],
) -> None:
    print("\n## Targets (issue 11)\n")
    print("| figure | target | measured |")
    print("|---|---|---|")
    base = throughput[-1]
    for flow in base["flows"]:
        print(
            f"| {flow['flow']}: updates/s, p50, p99 ({base['people']} residents) | ≤ 1.5× the "
            f"echo's time | {flow['per_second']:,.0f}/s, {flow['p50_ms']:.2f} ms, "
            f"{flow['p99_ms']:.2f} ms: {flow['x_echo']:.1f}× (echo "
            f"{base['echo']['per_second']:,.0f}/s) |"
        )
    print(
        f"| duty offers to {broadcast['offers']:,} helpers | ≥ 95% of 30/s, ≤ 20/min to a "
        f"group, 0 × 429, a resident < 1 s | {broadcast['share_of_30']:.0%} of 30/s, "
        f"{broadcast['group_minute_max']}/min at most, {broadcast['refused_429']} × 429, "
        f"residents {broadcast['resident_median_s']:.2f} s median, "
        f"{broadcast['resident_worst_s']:.2f} s worst |"
    )
    big = scale[-1]
    for key, name, target in (
        ("myreports", "/myreports", "< 5 ms p50"),
        ("card", "/card", "< 5 ms p50"),
        ("find_number", "/find by number", "< 5 ms p50"),
        ("lookup", "precinct lookup", "< 1 ms p50"),
        ("stats", "/stats for a month (figures)", "< 300 ms"),
        ("chart", "/stats chart", "(with the figures) < 300 ms"),
        ("export", "/export of a month", "streams"),
    ):
        p50, p99, note = big[key]
        tail = "worst" if key in ("stats", "chart") else "p99"
        measured = (
            f"{p50:.0f} ms ({note})"
            if key == "export"
            else f"p50 {p50:.3f} ms, {tail} {p99:.3f} ms{f' ({note})' if note else ''}"
        )
        print(f"| {name}, {big['reports']:,} reports | {target} | {measured} |")
    print(f"| database size | reported | {big['bytes_per_report']:,.0f} bytes per report |")
    for name, figures in (("fresh database", fresh), (f"{big['reports']:,} reports", loaded)):
        print(
            f"| cold start, {name} | < 2 s | {figures['first']:.2f} s (aiogram's import alone "
            f"{figures['floor_s']:.2f} s) |"
        )
        print(
            f"| RSS idle, {name} | < 150 MB | {figures['idle']:.0f} MiB (aiogram alone "
            f"{figures['floor']:.0f} MiB) |"
        )

    print("\n## Growth\n")
    print("| size | report flow: updates/s, p50 | reply flow: updates/s, p50 | RSS of the run |")
    print("|---|---|---|---|")
    for size, figures in zip(people, throughput, strict=True):
        flows = {f["flow"]: f for f in figures["flows"]}
        print(
            f"| {size:,} residents | {flows['report']['per_second']:,.0f}/s, "
            f"{flows['report']['p50_ms']:.2f} ms | {flows['reply']['per_second']:,.0f}/s, "
            f"{flows['reply']['p50_ms']:.2f} ms | {figures.get('rss', 0):.0f} MiB |"
        )
    print(
        "\n| reports | /myreports p50 | /card p50 | /stats month | /export month | bytes per "
        "report | RSS |"
    )
    print("|---|---|---|---|---|---|---|")
    for size, figures in zip(reports, scale, strict=True):
        print(
            f"| {size:,} | {figures['myreports'][0]:.3f} ms | {figures['card'][0]:.3f} ms | "
            f"{figures['stats'][0]:.0f} ms | {figures['export'][0]:.0f} ms | "
            f"{figures['bytes_per_report']:,.0f} | {figures['rss_before_chart']:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
