"""Work a test process does once instead of at every bot start, and waits no test needs.

Autouse fixtures, switched on by importing them into a conftest. Each is safe to share
because what it shares cannot change under the tests:

- `AiohttpSession.close` waits 250 ms after closing "for the underlying SSL connections to
  close" (aiogram). Tests talk plain HTTP to the fake on 127.0.0.1: there is no SSL
  connection, and the wait was a quarter of a second at every bot stop and every client.
- Each `AiohttpSession` loads the certifi bundle into a new SSL context (70 ms, two per bot
  start). One context serves them all (an `SSLContext` is meant to be shared; over plain
  HTTP it is never used).
- The catalogs compiled from the `.po` files at every bot start (about 0.35 s): kept per
  folder, keyed by each file's size and modification time, so a test that writes catalogs of
  its own, or a `.po` edited during the run, is compiled afresh. Only the e2e layer uses this:
  the unit tests of the catalogs compile them the bot's way every time.
"""

from __future__ import annotations

import gettext
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiogram.client.session.aiohttp as aiogram_aiohttp
import certifi
import pytest
from aiogram.client.session.aiohttp import AiohttpSession

from bot.i18n import CatalogI18n


async def _close_without_ssl_wait(self: AiohttpSession) -> None:
    session = self._session
    if session is not None and not session.closed:
        await session.close()


class _SharedSSL:
    """Stands in for the `ssl` module in aiogram's session module: one default context."""

    def __init__(self) -> None:
        self._context: ssl.SSLContext | None = None

    def create_default_context(self, *args: Any, **kwargs: Any) -> ssl.SSLContext:
        if (args, kwargs) != ((), {"cafile": certifi.where()}):
            return ssl.create_default_context(*args, **kwargs)
        if self._context is None:
            self._context = ssl.create_default_context(cafile=certifi.where())
        return self._context

    def __getattr__(self, name: str) -> Any:
        return getattr(ssl, name)


def _catalog_key(folder: Path, domain: str) -> tuple[Any, ...]:
    files = sorted(folder.glob(f"*/LC_MESSAGES/{domain}.po"))
    return (
        folder.resolve(),
        domain,
        *((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files),
    )


@pytest.fixture(scope="session", autouse=True)
def fast_clients() -> Iterator[None]:
    """No SSL wait at a client's close, one SSL context (unit and e2e)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AiohttpSession, "close", _close_without_ssl_wait)
        patch.setattr(aiogram_aiohttp, "ssl", _SharedSSL())
        yield


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs_once() -> Iterator[None]:
    """The catalogs compiled once per test process and folder (the e2e layer)."""
    compile_catalogs = CatalogI18n.find_locales
    compiled: dict[tuple[Any, ...], dict[str, gettext.GNUTranslations]] = {}

    def find_locales(self: CatalogI18n) -> dict[str, gettext.GNUTranslations]:
        key = _catalog_key(Path(self.path), self.domain)
        if key not in compiled:
            compiled[key] = compile_catalogs(self)
        # the translations are only read (gettext, ngettext): shared; the dict is the app's own
        return dict(compiled[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CatalogI18n, "find_locales", find_locales)
        yield
