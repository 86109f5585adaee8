"""The /stats chart: reports per day, stacked by category, drawn headless with matplotlib (its
Agg backend, imported only here and only when a chart is drawn: it costs memory and start-up
time the bot does not otherwise need). The PNG carries the series it plots in its metadata, so
anyone (a test, an analyst) can check the picture against the database."""

from __future__ import annotations

import io
import json
import threading
from datetime import date

#: matplotlib is not thread-safe: one chart at a time
_DRAWING = threading.Lock()


def draw(
    days: list[date],
    series: dict[str, list[int]],
    labels: dict[str, str],
    title: str,
    subtitle: str,
) -> bytes:
    """A PNG: one stacked bar per day. Blocking (about 0.1–0.3 s): call it in a thread."""
    with _DRAWING:
        return _draw(days, series, labels, title, subtitle)


def _draw(
    days: list[date],
    series: dict[str, list[int]],
    labels: dict[str, str],
    title: str,
    subtitle: str,
) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in a thread

    figure = Figure(figsize=(10, 5), dpi=100)
    axes = figure.add_subplot()
    bottom = [0] * len(days)
    positions = list(range(len(days)))
    for key in sorted(series, key=lambda k: -sum(series[k])):
        values = series[key]
        axes.bar(positions, values, bottom=bottom, label=labels.get(key, key), width=0.8)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, len(days) // 15)
    axes.set_xticks(positions[::step], [d.strftime("%d.%m") for d in days[::step]])
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_title(f"{title}\n{subtitle}", fontsize=11)
    if series:
        axes.legend(fontsize=8, loc="upper left")
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    out = io.BytesIO()
    data = {"days": [d.isoformat() for d in days], "series": series}
    figure.savefig(out, format="png", metadata={"Description": json.dumps(data)})
    return out.getvalue()
