"""The console map (issue 24): what it shows of reports, and where its tiles may come from.

Markers: every open report with a place, and those closed in the last days, coloured by
status; a click opens the report's card. The heat layer: where reports of the chosen period
(and category) gathered, counted per cell of about a hundred metres (rounded coordinates), so
a city's year is a few thousand cells, not a million points sent to a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

#: the heat layer's periods, in days
HEAT_DAYS = (30, 90)
#: markers of closed reports: those closed within this many days
RECENT_DAYS = 7
#: at most this many markers (the most urgent first: open, then the newest closed)
MAX_MARKERS = 5000
#: decimal places of a heat cell's coordinates: 3 is about 110 m north–south, 80 m east–west
HEAT_PLACES = 3


@dataclass(frozen=True, slots=True)
class MapMarker:
    number: int
    latitude: float
    longitude: float
    status: str
    category: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class HeatCell:
    latitude: float
    longitude: float
    count: int


@dataclass(frozen=True, slots=True)
class MapData:
    markers: tuple[MapMarker, ...]
    #: how many markers there would be without MAX_MARKERS
    total: int
    heat: tuple[HeatCell, ...]


def tile_origin(url: str) -> str:
    """The origin a page must allow images from for tiles at `url` (its Content-Security-
    Policy): `https://tile.openstreetmap.org`; a `{s}` subdomain becomes `*`. ValueError if
    `url` is not an http(s) tile address with {z}, {x} and {y}."""
    if not all(part in url for part in ("{z}", "{x}", "{y}")):
        raise ValueError("a tile address names {z}, {x} and {y}")
    parts = urlsplit(url.replace("{s}", "subdomain"))
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError("a tile address is http(s)")
    host = parts.netloc
    if "{s}" in url.split("/")[2]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"
