"""Where the CLI, the demo, the tests and the benchmarks find the bot: `SakshyApp` (bot/runtime.py,
which runs it) and what it is built from (bot/bootstrap.py)."""

from __future__ import annotations

from bot.bootstrap import Services, StartupError, Wiring, build
from bot.runtime import SakshyApp

__all__ = ["SakshyApp", "Services", "StartupError", "Wiring", "build"]
