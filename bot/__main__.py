"""Command line: `sakshy run | migrate | import-directory | demo | check-config` (also
`python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys
from collections.abc import Callable

from bot.config import NO_TOKEN_HELP, STAFF_CHAT_MISSING, ConfigError, Settings, load_settings
from bot.storage.db import StorageError


class SecretFilter(logging.Filter):
    """Secrets never reach the log: the bot token (also inside a URL, an exception's text or
    a traceback) is replaced by <BOT_TOKEN>."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<BOT_TOKEN>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it, not the caller
            return True
        record.msg = self._mask(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        return True


def _setup_logging(level: str, *secrets: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(SecretFilter(*secrets))


def _report(problems: list[str]) -> int:
    print("Sakshy cannot start; the configuration has problems:", file=sys.stderr)
    for line in problems:
        print(f"  - {line}", file=sys.stderr)
    print("See .env.example for every key.", file=sys.stderr)
    return 2


def settle_the_heap() -> None:
    """Once everything is built: the garbage collector stops walking what lives as long as the
    process (aiogram's and pydantic's models, about 200,000 objects). Without this, each full
    collection walks them all: /stats for a month took twice as long (0.35 s instead of 0.18 s
    for its query's rows, `benchmarks/data_scale.py`)."""
    gc.collect()
    gc.freeze()


async def _run(settings: Settings) -> None:
    from bot.app import SakshyApp
    from bot.storage.lock import DatabaseLock

    # held while the bot runs: `restore` and a second `run` on this database refuse
    with DatabaseLock(settings.database_path):
        app = SakshyApp(settings, time_scale=settings.telegram_time_scale)
        await app.open()
        settle_the_heap()
        stop_on_signals(asyncio.get_running_loop(), lambda: asyncio.ensure_future(app.stop()))
        await app.run()


def stop_on_signals(loop: asyncio.AbstractEventLoop, stop: Callable[[], object]) -> None:
    """SIGINT and SIGTERM stop the bot gracefully (the outbox drains, handlers finish). Where
    the event loop takes no signal handlers (Windows), a plain handler passes the stop to the
    loop's thread instead."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop)
        except NotImplementedError:
            signal.signal(sig, lambda _sig, _frame: loop.call_soon_threadsafe(stop))


async def _migrate(settings: Settings) -> list[str]:
    from bot.storage.db import Database
    from bot.storage.migrations import migrate

    db = Database(settings.database_path)
    await db.connect()
    try:
        return await migrate(db)
    finally:
        await db.close()


def cmd_run(_: argparse.Namespace) -> int:
    from aiogram.exceptions import TelegramUnauthorizedError

    from bot.app import StartupError
    from bot.storage.lock import DatabaseBusy

    settings = load_settings(require_token=True)
    _setup_logging(settings.log_level, settings.token)
    try:
        asyncio.run(_run(settings))
    except StorageError as exc:
        print(f"Sakshy cannot start: {exc}", file=sys.stderr)
        return 1
    except DatabaseBusy as exc:
        print(
            f"Sakshy cannot start: {exc}; two bots on one database would answer everything "
            f"twice. {exc.how_to_stop}",
            file=sys.stderr,
        )
        return 1
    except TelegramUnauthorizedError:
        return _report(
            ["BOT_TOKEN: Telegram refused this token (Unauthorized); copy it again from @BotFather"]
        )
    except StartupError as exc:
        return _report([str(exc)])
    except Exception as exc:  # the operator gets one line; the details go to the log
        logging.getLogger("sakshy").debug("stopped by an unexpected error", exc_info=exc)
        detail = str(exc).replace(settings.token, "<BOT_TOKEN>")
        print(
            f"Sakshy stopped: {type(exc).__name__}: {detail} (LOG_LEVEL=DEBUG shows details)",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    settings = load_settings(require_token=False)
    _setup_logging(settings.log_level)
    # the summary below names each migration once; the runner's own line would repeat it
    logging.getLogger("bot.storage.migrations").setLevel(logging.WARNING)
    try:
        applied = asyncio.run(_migrate(settings))
    except StorageError as exc:
        print(f"Migration failed: {exc}", file=sys.stderr)
        return 1
    print(f"Applied: {', '.join(applied)}" if applied else "The database is up to date.")
    return 0


def cmd_check_config(_: argparse.Namespace) -> int:
    settings = load_settings(require_token=True)
    from bot.bootstrap import StartupError, legal_clock
    from bot.domain.categories import CategoryError, load_categories

    try:
        categories = load_categories(settings.categories_file)
        legal_clock(settings, categories)
    except (CategoryError, StartupError) as exc:
        return _report([str(exc)])
    print("The configuration is valid:")
    for name in Settings.model_fields:
        value = getattr(settings, name)
        shown = "set (hidden)" if name == "bot_token" else ("not set" if value is None else value)
        print(f"  {name.upper()} = {shown}")
    print(f"  {len(categories)} report categories: {', '.join(c.key for c in categories)}")
    if settings.staff_chat_id is None:
        print(f"Warning: {STAFF_CHAT_MISSING}", file=sys.stderr)
        print(
            "Warning: until then residents who try to report are told that reports cannot be "
            "accepted yet.",
            file=sys.stderr,
        )
    return 0


async def _import_directory(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.services.clock import utc_now
    from bot.services.directory import DirectoryService
    from bot.storage.db import Database
    from bot.storage.migrations import migrate

    db = Database(settings.database_path)
    await db.connect()
    try:
        await migrate(db)
        area = settings.area
        service = DirectoryService(db, utc_now, (area.south, area.west, area.north, area.east))
        if args.demo:
            from bot.resources import demo_directory_path

            path: Path = demo_directory_path()
        elif args.file is None:
            print("Name a GeoJSON file, or --demo for the shipped demo data.", file=sys.stderr)
            return 2
        else:
            path = Path(args.file)
        points = Path(args.points) if args.points else None
        current = path
        try:
            text = path.read_text("utf-8-sig")  # a BOM (Excel, Notepad) is not a problem
            current = points or path
            points_text = points.read_text("utf-8-sig") if points else None
        except OSError as exc:
            print(f"Cannot read {exc.filename or current}: {exc.strerror}", file=sys.stderr)
            return 1
        except UnicodeDecodeError:
            print(f"Cannot read {current}: it is not UTF-8 text", file=sys.stderr)
            return 1
        result = await service.import_text(
            text,
            path.name,
            points_text=points_text,
            points_source=points.name if points else "points",
            dry_run=args.dry_run,
        )
    finally:
        await db.close()
    if result.problems:
        print(f"Nothing imported: {len(result.problems)} problem(s).", file=sys.stderr)
        for line in result.problems:
            print(f"  - {line}", file=sys.stderr)
        return 1
    for kind, change in result.changes.items():
        parts = [f"{result.counts[kind]} {kind}"]
        for label, ids in (("new", change.added), ("removed", change.removed),
                           ("changed", change.changed)):  # fmt: skip
            if ids:
                shown = ", ".join(ids[:10]) + (
                    f" and {len(ids) - 10} more" if len(ids) > 10 else ""
                )
                parts.append(f"{label}: {shown}")
        print("  " + "; ".join(parts))
    if args.dry_run:
        print("Dry run: nothing was changed. Run it again without --dry-run to import.")
    else:
        print(f"Imported {path.name}; a running bot picks it up within 30 seconds.")
    return 0


def cmd_import_directory(args: argparse.Namespace) -> int:
    settings = load_settings(require_token=False)
    _setup_logging("WARNING")
    try:
        return asyncio.run(_import_directory(settings, args))
    except StorageError as exc:
        print(f"Import failed: {exc}", file=sys.stderr)
        return 1


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the database, safe while the bot runs."""
    from pathlib import Path

    from bot.services.clock import utc_now
    from bot.storage.backup import BackupError, make_backup

    settings = load_settings(require_token=False)
    now = utc_now().astimezone(settings.zone)  # a dated name in the configured zone
    try:
        made = make_backup(Path(settings.database_path), Path(args.target), at=now)
    except (BackupError, OSError) as exc:
        print(f"No backup was made: {exc}", file=sys.stderr)
        return 1
    print(
        f"Backup written: {made.path} ({made.size / 1e6:.1f} MB, {made.reports} reports, "
        f"checked, {made.seconds:.1f} s)"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup in the database's place; the bot must be stopped."""
    from pathlib import Path

    from bot.services.clock import utc_now
    from bot.storage.backup import BackupError, restore
    from bot.storage.lock import DatabaseBusy, DatabaseLock

    settings = load_settings(require_token=False)
    database = Path(settings.database_path)
    try:
        # held through the swap: a bot started meanwhile refuses to start
        with DatabaseLock(database):
            if not args.yes:
                print(
                    f"This replaces {database} with {args.backup}. Stop the bot first; the "
                    "current database is kept aside, never deleted. Run again with --yes to "
                    "go on.",
                    file=sys.stderr,
                )
                return 2
            kept, reports = restore(
                Path(args.backup), database, at=utc_now().astimezone(settings.zone)
            )
    except DatabaseBusy as exc:
        print(f"Nothing was restored: {exc}. {exc.how_to_stop}", file=sys.stderr)
        return 1
    except (BackupError, StorageError, OSError) as exc:
        print(f"Nothing was restored: {exc}", file=sys.stderr)
        return 1
    print(f"Restored {args.backup} ({reports} reports) to {database}.")
    if kept is not None:
        print(f"The database it replaced is kept as {kept}.")
    print("Start the bot again; pending migrations are applied at start.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    try:
        return asyncio.run(run_demo(lang=args.lang, verbose=args.verbose))
    except KeyboardInterrupt:  # Ctrl+C: a person stopped it, not a failure to explain
        print("\nDemo stopped.")
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sakshy", description="Sakshy: residents and their local police in Telegram."
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser(
        "run", help="run the bot (the default when BOT_TOKEN is set; without it, the demo)"
    ).set_defaults(func=cmd_run)
    sub.add_parser("migrate", help="apply pending database migrations").set_defaults(
        func=cmd_migrate
    )
    sub.add_parser("check-config", help="validate the configuration and exit").set_defaults(
        func=cmd_check_config
    )
    directory = sub.add_parser(
        "import-directory",
        help="replace the directory of precincts, inspectors and police points",
        description="Check a GeoJSON FeatureCollection of precincts (and police points) and "
        "replace the directory with it in one transaction, or change nothing.",
    )
    directory.add_argument("file", nargs="?", help="GeoJSON FeatureCollection")
    directory.add_argument("--points", help="police points as CSV or GeoJSON (optional)")
    directory.add_argument("--dry-run", action="store_true", help="show what would change")
    directory.add_argument("--demo", action="store_true", help="the shipped demo data")
    directory.set_defaults(func=cmd_import_directory)
    backup = sub.add_parser(
        "backup",
        help="copy the database (safe while the bot runs)",
        description="A consistent copy of the database with SQLite's online backup API, "
        "checked before it is kept. A folder gets a dated file name.",
    )
    backup.add_argument("target", help="a file, or a folder for a dated file")
    backup.set_defaults(func=cmd_backup)
    restore_cmd = sub.add_parser(
        "restore",
        help="replace the database with a backup (stop the bot first)",
        description="Check a backup, keep the current database aside, and put the backup in "
        "its place.",
    )
    restore_cmd.add_argument("backup", help="the backup file")
    restore_cmd.add_argument("--yes", action="store_true", help="really replace it")
    restore_cmd.set_defaults(func=cmd_restore)
    demo = sub.add_parser("demo", help="run the bot against a local Telegram emulator")
    demo.add_argument("--lang", choices=["kk", "ru"], default="kk")
    demo.add_argument("--verbose", action="store_true", help="show the bot's log too")
    demo.set_defaults(func=cmd_demo)
    return parser


def cmd_default(args: argparse.Namespace) -> int:
    """No subcommand: the real bot when a token is configured, else the demo."""
    settings = load_settings(require_token=False)
    if settings.bot_token is not None:
        return cmd_run(args)
    print(NO_TOKEN_HELP)
    print("Starting the demo now.\n")
    args.lang = settings.default_locale
    args.verbose = False
    return cmd_demo(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func = getattr(args, "func", cmd_default)
    try:
        return int(func(args) or 0)
    except ConfigError as exc:  # every command: one line per configuration problem
        return _report(exc.problems)


if __name__ == "__main__":
    sys.exit(main())
