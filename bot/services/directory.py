"""The directory in use: loaded once, looked up in memory, replaced as a whole by an import."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.directory import Directory, Inspector, Placement, PolicePoint, Precinct
from bot.domain.directory_file import Problem, parse_directory
from bot.resources import demo_directory_path
from bot.storage.db import Database
from bot.storage.repositories.directory import DirectoryRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Found:
    """What a resident learns for a point: their precinct, inspectors and police point; or,
    outside every precinct, the nearest police point and how far it is."""

    precinct: Precinct | None
    inspectors: tuple[Inspector, ...]
    point: PolicePoint | None
    distance_m: float | None = None  # to the nearest point, outside every precinct


@dataclass(frozen=True)
class Change:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


@dataclass(frozen=True)
class ImportResult:
    """An import checked (and, unless a dry run, applied): problems, or what changed."""

    problems: tuple[Problem, ...]
    applied: bool
    counts: dict[str, int]
    changes: dict[str, Change]


def _diff(old: dict[str, Any], new: dict[str, Any]) -> Change:
    return Change(
        added=tuple(sorted(set(new) - set(old))),
        removed=tuple(sorted(set(old) - set(new))),
        changed=tuple(sorted(k for k in set(old) & set(new) if old[k] != new[k])),
    )


class LinkTaken(Exception):
    """The inspector record is linked to another account."""


class DirectoryService:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        area: tuple[float, float, float, float] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        #: south, west, north, east: everything imported must lie in the service area
        self.area = area
        self.repo = DirectoryRepository()
        self.current = Directory.build((), (), ())
        self._links: dict[str, int] = {}
        self._version = 0

    async def load(self) -> Directory:
        async with self.db.read() as conn:
            self._version = await self.repo.version(conn)
            self.current = await self.repo.load(conn)
            self._links = await self.repo.links(conn)
        return self.current

    async def reload_if_changed(self) -> bool:
        """`sakshy import-directory` ran in another process: use its directory."""
        async with self.db.read() as conn:
            version = await self.repo.version(conn)
        if version == self._version:
            return False
        await self.load()
        log.info("directory reloaded: %s precincts", len(self.current.precincts))
        return True

    async def import_text(
        self,
        text: str,
        source: str,
        *,
        points_text: str | None = None,
        points_source: str = "points",
        dry_run: bool = False,
        by_user_id: int | None = None,
        by_name: str | None = None,
    ) -> ImportResult:
        """Check everything first; then replace the whole directory in one transaction, or
        change nothing."""
        # checking thousands of shapes takes a while: not on the event loop
        directory, problems = await asyncio.to_thread(
            parse_directory, text, source, points_text, points_source, self.area
        )
        if directory is None:
            return ImportResult(tuple(problems), False, {}, {})
        counts = {
            "precincts": len(directory.precincts),
            "inspectors": len(directory.inspectors),
            "points": len(directory.points),
        }
        async with self.db.read() as conn:
            before = await self.repo.load(conn)
        changes = {
            "precincts": _diff(
                {p.id: p for p in before.precincts}, {p.id: p for p in directory.precincts}
            ),
            "inspectors": _diff(
                {i.id: i for i in before.inspectors}, {i.id: i for i in directory.inspectors}
            ),
            "points": _diff({p.id: p for p in before.points}, {p.id: p for p in directory.points}),
        }
        if dry_run:
            return ImportResult((), False, counts, changes)
        async with self.db.transaction(slow=True) as conn:
            await self.repo.replace(
                conn,
                directory,
                source=source,
                by_user_id=by_user_id,
                by_name=by_name,
                now=self.clock(),
            )
            self._version = await self.repo.version(conn)
        self.current = directory
        log.info(
            "directory replaced from %s: %s precincts, %s inspectors, %s police points",
            source,
            *counts.values(),
        )
        return ImportResult((), True, counts, changes)

    async def import_demo(self) -> ImportResult:
        """The shipped demo directory (the Shymkent pilot, fictional people)."""
        path = demo_directory_path()
        return await self.import_text(path.read_text("utf-8"), path.name)

    def lookup(self, latitude: float, longitude: float) -> Found:
        directory = self.current
        precinct = directory.precinct_at(latitude, longitude)
        if precinct is not None:
            inspectors = tuple(directory.inspectors_of(precinct))
            point_id = precinct.point_id or next(
                (i.point_id for i in inspectors if i.point_id), None
            )
            return Found(precinct, inspectors, directory.point(point_id))
        nearest = directory.nearest_point(latitude, longitude)
        if nearest is None:
            return Found(None, (), None)
        return Found(None, (), nearest[0], nearest[1])

    def place(self, latitude: float, longitude: float) -> Placement:
        """A report's precinct, inspector and destination (nothing: unassigned)."""
        precinct = self.current.precinct_at(latitude, longitude)
        if precinct is None:
            return Placement()
        return Placement(
            precinct.id,
            precinct.inspector_ids[0] if precinct.inspector_ids else None,
            precinct.staff_chat_id,
            precinct.staff_thread_id,
        )

    def placement_of(self, precinct_id: str) -> Placement | None:
        """A precinct chosen by staff (a typed address routed by hand)."""
        precinct = self.current.precinct(precinct_id)
        if precinct is None:
            return None
        return Placement(
            precinct.id,
            precinct.inspector_ids[0] if precinct.inspector_ids else None,
            precinct.staff_chat_id,
            precinct.staff_thread_id,
        )

    def precinct_chats(self) -> frozenset[int]:
        return frozenset(p.staff_chat_id for p in self.current.precincts if p.staff_chat_id)

    def of_precinct(self, precinct_id: str) -> Found | None:
        precinct = self.current.precinct(precinct_id)
        if precinct is None:
            return None
        inspectors = tuple(self.current.inspectors_of(precinct))
        point_id = precinct.point_id or next((i.point_id for i in inspectors if i.point_id), None)
        return Found(precinct, inspectors, self.current.point(point_id))

    def linked_user(self, inspector_id: str) -> int | None:
        return self._links.get(inspector_id)

    def inspector_of_user(self, user_id: int) -> Inspector | None:
        for inspector_id, linked in self._links.items():
            if linked == user_id:
                return self.current.inspector(inspector_id)
        return None

    async def link(
        self, user_id: int, inspector_id: str, *, replace: bool = False
    ) -> Inspector | None:
        """An officer says which inspector record is theirs (None: no such record). A record
        linked to someone else is taken over only with `replace` (an administrator)."""
        inspector = self.current.inspector(inspector_id)
        if inspector is None:
            return None
        holder = self._links.get(inspector_id)
        if holder is not None and holder != user_id and not replace:
            raise LinkTaken(inspector_id)
        async with self.db.transaction() as conn:
            await self.repo.link(conn, inspector_id, user_id, self.clock())
            self._links = await self.repo.links(conn)
        log.info("inspector %s linked to user %s", inspector_id, user_id)
        return inspector

    async def status(self) -> dict[str, Any]:
        async with self.db.read() as conn:
            last = await self.repo.last_import(conn)
        return {
            "precincts": len(self.current.precincts),
            "inspectors": len(self.current.inspectors),
            "points": len(self.current.points),
            "linked": len(self._links),
            "last_import": last,
        }
