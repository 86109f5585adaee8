"""One factor for every deadline a test waits on, for machines slower than the developer's.

``SAKSHY_TEST_TIMEOUT_SCALE`` (a positive number, default 1) multiplies each timeout the fake
Telegram's waiting helpers (``wait_for``, ``next_message``, ``answer_of``) and the tests' own
waits allow. A busy two-core CI machine sets it to 3 or so (``.ci/run`` does): a test that
waits for an event returns as soon as the event comes, so a larger factor costs time only
when something is already wrong. Waits that expect *nothing* to happen are not scaled.
"""

from __future__ import annotations

import os

ENV_NAME = "SAKSHY_TEST_TIMEOUT_SCALE"


def timeout_scale() -> float:
    """The factor from the environment (read each time, so a test may change it)."""
    raw = os.environ.get(ENV_NAME, "").strip()
    if not raw:
        return 1.0
    try:
        factor = float(raw)
    except ValueError:
        raise ValueError(f"{ENV_NAME} must be a positive number, not {raw!r}") from None
    if not factor > 0 or factor == float("inf"):
        raise ValueError(f"{ENV_NAME} must be a positive number, not {raw!r}")
    return factor


def scaled(seconds: float) -> float:
    """``seconds`` times the factor: the deadline for a wait that should succeed."""
    return seconds * timeout_scale()


def describe(seconds: float) -> str:
    """A timeout as an error message names it: ``5s``, or ``5s (x3: 15s)`` when scaled."""
    factor = timeout_scale()
    if factor == 1:
        return f"{seconds:g}s"
    return f"{seconds:g}s (x{factor:g}: {seconds * factor:g}s)"
