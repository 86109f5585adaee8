"""Everything aiogram: routers, keyboards, middlewares, rendering."""

from __future__ import annotations

from aiogram import Router

from bot.telegram.routers import errors, fallback, groups, info, report, start


def routers() -> list[Router]:
    """Fresh routers for one Dispatcher (a Router can be attached only once)."""
    return [
        errors.router(),
        start.router(),
        info.router(),
        report.router(),
        groups.router(),
        fallback.router(),
    ]
