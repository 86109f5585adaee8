"""The /stats chart: reports per day, stacked by category, drawn headless with matplotlib (its
Agg backend, imported only here and only when a chart is drawn: it costs memory and start-up
time the bot does not otherwise need). The PNG carries the series it plots in its metadata, so
anyone (a test, an analyst) can check the picture against the database."""

from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass
from datetime import date

#: matplotlib is not thread-safe: one chart at a time
_DRAWING = threading.Lock()


def _plain(text: str) -> str:
    """Text shown as written: matplotlib reads what stands between two «$» as a formula (and
    fails on a formula it cannot parse)."""
    return text.replace("$", r"\$")


@dataclass(frozen=True)
class Panels:
    """What the chart shows besides the reports per day, and the words for it."""

    take_hours: list[float | None]
    resolve_hours: list[float | None]
    rating: list[float | None]
    times_title: str
    take_label: str
    resolve_label: str
    rating_title: str


def draw(
    days: list[date],
    series: dict[str, list[int]],
    labels: dict[str, str],
    title: str,
    subtitle: str,
    panels: Panels | None = None,
) -> bytes:
    """A PNG: one stacked bar per day by category; below, the median hours to take and to
    resolve, and the residents' rating. Blocking (0.1–0.5 s): call it in a thread."""
    labels = {key: _plain(label) for key, label in labels.items()}
    with _DRAWING:
        return _draw(days, series, labels, _plain(title), _plain(subtitle), panels)


def _draw(
    days: list[date],
    series: dict[str, list[int]],
    labels: dict[str, str],
    title: str,
    subtitle: str,
    panels: Panels | None,
) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in a thread
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    rows = 3 if panels is not None else 1
    figure = Figure(figsize=(10, 5 + 2.5 * (rows - 1)), dpi=100)
    grid = figure.add_gridspec(rows, 1, height_ratios=[2] + [1] * (rows - 1))
    axes = figure.add_subplot(grid[0])
    bottom = [0] * len(days)
    positions = list(range(len(days)))
    # one collection of rectangles per category, not a patch per bar: `bar` updates the axes'
    # limits for each of a month's 31 × categories patches, which took most of the drawing
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    handles = []
    for n, key in enumerate(sorted(series, key=lambda k: -sum(series[k]))):
        color = colors[n % len(colors)]
        values = series[key]
        boxes = [
            [(x - 0.4, b), (x + 0.4, b), (x + 0.4, b + v), (x - 0.4, b + v)]
            for x, b, v in zip(positions, bottom, values, strict=True)
            if v
        ]
        axes.add_collection(PolyCollection(boxes, facecolors=color, edgecolors="none"))
        handles.append(Patch(facecolor=color, label=labels.get(key, key)))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_xlim(-0.6, len(days) - 0.4)
    axes.set_ylim(0, max(max(bottom, default=0) * 1.05, 1))
    step = max(1, len(days) // 15)
    axes.set_xticks(positions[::step], [d.strftime("%d.%m") for d in days[::step]])
    locator = axes.yaxis.get_major_locator()  # an AutoLocator, a MaxNLocator
    if isinstance(locator, MaxNLocator):
        locator.set_params(integer=True)
    axes.set_title(f"{title}\n{subtitle}", fontsize=11)
    if series:
        axes.legend(handles=handles, fontsize=8, loc="upper left")
    axes.grid(axis="y", alpha=0.3)
    data: dict[str, object] = {"days": [d.isoformat() for d in days], "series": series}
    if panels is not None:
        times = figure.add_subplot(grid[1], sharex=axes)
        for hours, label in (
            (panels.take_hours, panels.take_label),
            (panels.resolve_hours, panels.resolve_label),
        ):
            points = [(x, v) for x, v in zip(positions, hours, strict=True) if v is not None]
            if points:
                times.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=label)
        times.set_title(panels.times_title, fontsize=10)
        times.grid(alpha=0.3)
        if any(v is not None for v in panels.take_hours + panels.resolve_hours):
            times.legend(fontsize=8, loc="upper left")
        stars = figure.add_subplot(grid[2], sharex=axes)
        points = [(x, v) for x, v in zip(positions, panels.rating, strict=True) if v is not None]
        if points:
            stars.plot(
                [p[0] for p in points], [p[1] for p in points], marker="s", color="goldenrod"
            )
        stars.set_ylim(0.5, 5.5)
        stars.set_title(panels.rating_title, fontsize=10)
        stars.grid(alpha=0.3)
        data.update(
            take_hours=panels.take_hours, resolve_hours=panels.resolve_hours, rating=panels.rating
        )
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Description": json.dumps(data)})
    return out.getvalue()


def draw_shares(
    rows: list[tuple[str, str, list[int]]],
    options: list[str],
    title: str,
    subtitle: str,
) -> bytes:
    """A PNG: one horizontal bar per row (an area, or all of them), split by option in
    proportion to the answers, each part labelled with its count and share. `rows` are
    (key, label, counts per option). Blocking: call it in a thread."""
    rows = [(key, _plain(label), counts) for key, label, counts in rows]
    with _DRAWING:
        return _draw_shares(rows, [_plain(o) for o in options], _plain(title), _plain(subtitle))


def _draw_shares(
    rows: list[tuple[str, str, list[int]]], options: list[str], title: str, subtitle: str
) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    height = max(3.5, 1.8 + 0.5 * len(rows) + 0.25 * ((len(options) + 1) // 2))
    figure = Figure(figsize=(10, height), dpi=100)
    axes = figure.add_subplot()
    colours = [f"C{n}" for n in range(len(options))]
    positions = list(range(len(rows)))[::-1]  # the first row on top
    left = [0.0] * len(rows)
    for n, option in enumerate(options):
        shares = []
        for _, _, counts in rows:
            answered = sum(counts)
            shares.append(100.0 * counts[n] / answered if answered else 0.0)
        axes.barh(positions, shares, left=left, color=colours[n], label=option, height=0.6)
        for y, x, share, (_, _, counts) in zip(positions, left, shares, rows, strict=True):
            if share >= 8:
                axes.text(
                    x + share / 2,
                    y,
                    f"{counts[n]} ({share:.0f}%)",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                )
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.set_yticks(positions, [label for _, label, _ in rows], fontsize=9)
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    axes.set_title(f"{title}\n{subtitle}", fontsize=11)
    axes.grid(axis="x", alpha=0.3)
    axes.legend(
        fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.4 / height),
        ncol=2,
        frameon=False,
    )
    figure.tight_layout()
    data = {"options": options, "rows": [{"key": k, "counts": c} for k, _, c in rows]}
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Description": json.dumps(data)})
    return out.getvalue()
