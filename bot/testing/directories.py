"""Synthetic directories for tests and benchmarks: many precincts, each with an inspector."""

from __future__ import annotations

import json
import math
import random


def grid(
    count: int, seed: int = 7, west: float = 68.0, south: float = 41.5
) -> tuple[str, tuple[float, float, float, float]]:
    """`count` precincts on a jittered grid around Shymkent; the GeoJSON and its bounds."""
    rng = random.Random(seed)
    columns = math.ceil(math.sqrt(count * 2))
    rows = math.ceil(count / columns)
    step = 0.01
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
