"""SIGINT and SIGTERM stop the bot gracefully, also where the event loop takes no signal
handlers (Windows): there a plain handler hands the stop to the loop."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from bot.__main__ import stop_on_signals


class LoopWithoutSignals:
    """An event loop like Windows' ones: add_signal_handler is not implemented."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def add_signal_handler(self, *args: Any) -> None:
        raise NotImplementedError

    def call_soon_threadsafe(self, callback: Any) -> Any:
        return self.loop.call_soon_threadsafe(callback)


async def test_without_loop_signal_handlers_a_signal_still_stops_the_bot() -> None:
    stopped = asyncio.Event()
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        stop_on_signals(LoopWithoutSignals(asyncio.get_running_loop()), stopped.set)  # type: ignore[arg-type]
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(stopped.wait(), 5)
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


async def test_with_loop_signal_handlers_the_loop_takes_them() -> None:
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    try:
        stop_on_signals(loop, stopped.set)
        signal.raise_signal(signal.SIGINT)
        await asyncio.wait_for(stopped.wait(), 5)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
