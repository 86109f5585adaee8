"""Settings from the environment and `.env`, and plain-language reports of what is wrong."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from datetime import time
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.console_map import tile_origin
from bot.domain.reports import ServiceArea

TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
SUPPORTED_LOCALES = ("kk", "ru")


class Settings(BaseSettings):
    """Everything an operator configures. Secrets come only from here."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
        case_sensitive=False,
        validate_default=True,
    )

    bot_token: SecretStr | None = Field(default=None)
    staff_chat_id: int | None = Field(default=None)
    telegram_api_url: AnyHttpUrl | None = Field(default=None)
    database_path: Path = Field(default=Path("data/sakshy.db"))
    default_locale: Literal["kk", "ru"] = "kk"
    timezone: str = "Asia/Almaty"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    categories_file: Path | None = Field(default=None)
    #: language of the staff group's posts (default: DEFAULT_LOCALE)
    staff_locale: Literal["kk", "ru"] | None = None
    #: the usual time to an answer, told to residents in the receipt
    report_answer_hours: int = Field(default=24, ge=1, le=720)
    #: the legal clock (issue 23): working days to answer a report and to pass one to the body
    #: that handles it (a category may set its own), months an answer may be extended up to
    answer_working_days: int = Field(default=15, ge=1, le=60)
    refer_working_days: int = Field(default=3, ge=1, le=60)
    extend_max_months: int = Field(default=2, ge=1, le=12)
    #: days off and worked days the `holidays` package does not know: `YYYY-MM-DD off|work`
    holidays_file: Path | None = Field(default=None)
    report_max_open: int = Field(default=5, ge=1, le=100)
    report_max_per_hour: int = Field(default=5, ge=1, le=100)
    #: per person in private chats: this many messages and presses at once, then this many a
    #: minute; beyond, they are not handled and the person is asked to slow down
    flood_burst: int = Field(default=10, ge=1, le=1000)
    flood_per_minute: float = Field(default=30, gt=0, le=6000)
    #: south,west,north,east in degrees: where reports may come from (default: Shymkent)
    service_area: str = "42.20,69.40,42.48,69.90"
    #: follow-ups: a new report not taken after this many minutes is recalled to the staff group
    remind_untaken_minutes: float = Field(default=15, gt=0, le=1440)
    #: … and still not taken after this many: a notice to the supervisors (or the group's admins)
    escalate_untaken_minutes: float = Field(default=45, gt=0, le=2880)
    #: where that notice goes; empty: the staff group, mentioning its administrators
    supervisors_chat_id: int | None = Field(default=None)
    #: the interagency group's read-only chat: the daily digest and /stats, no personal data
    analysts_chat_id: int | None = Field(default=None)
    #: where complaints about police officers go, and only there (the internal security
    #: unit's chat); empty: the supervisors' chat; neither: the bot takes no complaints
    complaints_chat_id: int | None = Field(default=None)
    #: working days to answer a complaint about an officer
    complaint_answer_working_days: int = Field(default=15, ge=1, le=60)
    #: a taken report not resolved after this many hours: a reminder to the officer holding it
    remind_unresolved_hours: float = Field(default=24, gt=0, le=720)
    #: the satisfaction survey goes this many hours after a report is resolved
    survey_after_hours: float = Field(default=2, ge=0, le=720)
    #: local hours when residents get no survey (deferred to the end): HH:MM-HH:MM
    quiet_hours: str = "22:00-08:00"
    #: local time of the daily digest to the staff group (HH:MM)
    digest_time: str = "08:30"
    #: a daily backup of the database goes to this folder (empty: none), at this local time,
    #: and the newest so many are kept
    backup_dir: Path | None = None
    backup_time: str = "03:30"
    backup_keep: int = Field(default=7, ge=1, le=365)
    #: a message people wait for, unsent this long: the staff group's administrators are told
    outbox_stall_minutes: float = Field(default=10, gt=0, le=1440)
    #: a closed report's reporter and exact place, and the text of sent messages, are kept
    #: this many days
    retention_days: int = Field(default=365, ge=7, le=3650)
    #: seconds between checks for due follow-ups
    followup_tick_seconds: float = Field(default=10, gt=0, le=600)
    #: tests only: the rate limiter's clock speed, for a fake Telegram on this machine that
    #: runs its own clock as fast (refused unless TELEGRAM_API_URL is a loopback address)
    telegram_time_scale: float = Field(default=1.0, gt=0, le=1)
    #: public helpers: the minimum age, and the pause before a rejected or retired person may
    #: apply again
    helper_min_age: int = Field(default=18, ge=16, le=100)
    helper_cooldown_days: int = Field(default=30, ge=0, le=3650)
    #: reports of one category this close in place and time are shown as maybe the same
    duplicate_radius_m: int = Field(default=150, ge=10, le=5000)
    duplicate_hours: int = Field(default=24, ge=1, le=720)
    #: community survey results show an area on its own only with this many answers or more;
    #: smaller ones are counted together as «other areas» (nobody's answer can be told apart)
    survey_min_answers: int = Field(default=5, ge=1, le=100)
    #: duties: each wave offers a duty to this many helpers per empty seat
    duty_wave_factor: int = Field(default=3, ge=1, le=20)
    #: minutes between waves while seats stay empty
    duty_wave_minutes: int = Field(default=30, ge=1, le=1440)
    #: a helper may give back a seat until this many hours before the start
    duty_withdraw_hours: float = Field(default=12.0, ge=0, le=168)
    #: a check-in location farther than this from the meeting point is flagged
    duty_checkin_radius_m: int = Field(default=300, ge=10, le=10000)
    #: webhook mode (empty: long polling). The public HTTPS address Telegram posts updates to
    #: (ports 443, 80, 88 or 8443; a TLS proxy in front of the bot); its path is served here
    webhook_url: str | None = None
    #: Telegram sends it with every update and the bot refuses requests without it; empty:
    #: derived from BOT_TOKEN (stable across restarts)
    webhook_secret: SecretStr | None = None
    #: where the bot's own HTTP server listens (the proxy forwards to it); also serves /healthz
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    #: a small HTTP listener serving only GET /healthz (the webhook server's checks), for
    #: monitoring in polling mode too; empty: none
    health_port: int | None = Field(default=None, ge=1, le=65535)
    health_host: str = "127.0.0.1"
    #: the staff console's web server (issue 24): its port (empty: no console) and address
    web_port: int | None = Field(default=None, ge=0, le=65535)
    web_host: str = "127.0.0.1"
    #: the console's public HTTPS address (behind the TLS proxy): staff members get a menu
    #: button to it in their private chat with the bot; empty: no button
    console_url: str | None = None
    #: the console as a Mini App (BotFather's /newapp), https://t.me/<bot>/<app>: staff posts
    #: carry a button opening the report's card in it; empty: no button
    console_app_link: str | None = None
    #: a Telegram sign-in older than this is refused; a console session lasts this long
    console_auth_max_age_hours: float = Field(default=24, gt=0, le=168)
    console_session_hours: float = Field(default=8, gt=0, le=24)
    #: the console map's tiles ({z}/{x}/{y}, {s} for subdomains) and the attribution their
    #: provider asks for: OpenStreetMap by default, 2GIS or a city's own tile server if set
    map_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_attribution: str = "© OpenStreetMap contributors"
    #: seconds between retries of start-up calls (setMyCommands …) that Telegram refused with 5xx
    startup_retry_seconds: float = Field(default=30.0, gt=0, le=3600)

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not TOKEN_RE.match(value.strip()):
            raise ValueError("token")
        return value.strip()

    @field_validator("staff_chat_id", mode="before")
    @classmethod
    def _empty_chat(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("categories_file", "holidays_file", mode="before")
    @classmethod
    def _empty_path(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("telegram_api_url", mode="before")
    @classmethod
    def _empty_url(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("staff_chat_id")
    @classmethod
    def _group_id(cls, value: int | None) -> int | None:
        if value is not None and value >= 0:
            raise ValueError("group")
        return value

    @field_validator("default_locale", "log_level", mode="before")
    @classmethod
    def _normalise_case(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_path")
    @classmethod
    def _a_file(cls, value: Path) -> Path:
        if str(value) in ("", ".") or value.is_dir():
            raise ValueError("folder")
        return value

    @field_validator("supervisors_chat_id", "analysts_chat_id", "complaints_chat_id", mode="before")
    @classmethod
    def _empty_supervisors(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        parts = value.replace(" ", "").split("-")
        if len(parts) != 2 or not all(_CLOCK.match(p) for p in parts):
            raise ValueError("quiet")
        return value.replace(" ", "")

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _empty_backup_dir(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("digest_time", "backup_time")
    @classmethod
    def _digest(cls, value: str) -> str:
        if not _CLOCK.match(value.strip()):
            raise ValueError("time")
        return value.strip()

    @property
    def quiet(self) -> tuple[time, time]:
        start, end = self.quiet_hours.split("-")
        return _parse_clock(start), _parse_clock(end)

    @property
    def complaints_chat(self) -> int | None:
        """Where complaints about officers go: their own chat, else the supervisors'."""
        if self.complaints_chat_id is not None:
            return self.complaints_chat_id
        return self.supervisors_chat_id

    @property
    def digest_at(self) -> time:
        return _parse_clock(self.digest_time)

    @property
    def backup_at(self) -> time:
        return _parse_clock(self.backup_time)

    @field_validator("staff_locale", mode="before")
    @classmethod
    def _empty_locale(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("service_area")
    @classmethod
    def _bbox(cls, value: str) -> str:
        parts = [p.strip() for p in value.split(",")]
        try:
            south, west, north, east = (float(p) for p in parts)
        except ValueError:
            raise ValueError("bbox") from None
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            raise ValueError("bbox")
        return value

    @property
    def area(self) -> ServiceArea:
        south, west, north, east = (float(p) for p in self.service_area.split(","))
        return ServiceArea(south, west, north, east)

    @property
    def staff_language(self) -> str:
        return self.staff_locale or self.default_locale

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("zone") from exc
        return value

    @field_validator(
        "webhook_url",
        "webhook_secret",
        "health_port",
        "web_port",
        "console_url",
        "console_app_link",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in (None, "") else value

    @field_validator("console_url")
    @classmethod
    def _console_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("https")  # Telegram opens a Mini App from HTTPS only
        return value

    @field_validator("console_app_link")
    @classmethod
    def _console_app_link(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https://t\.me/\w{5,32}/\w{3,30}", value):
            raise ValueError("t.me")
        return value

    @field_validator("map_tile_url")
    @classmethod
    def _map_tile_url(cls, value: str) -> str:
        tile_origin(value)  # ValueError: not an http(s) address with {z}, {x} and {y}
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = urlsplit(value)
        try:
            port = parsed.port
        except ValueError:
            raise ValueError("bad port") from None
        if parsed.scheme != "https" or not parsed.hostname or parsed.query or parsed.fragment:
            raise ValueError("not an https URL")
        if port not in (None, 443, 80, 88, 8443):
            raise ValueError("Telegram posts only to ports 443, 80, 88 and 8443")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("bad secret")
        return value

    @property
    def webhook_path(self) -> str:
        """The path of WEBHOOK_URL, served by the bot's HTTP server."""
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def webhook_token(self) -> str:
        """The secret token Telegram must send: WEBHOOK_SECRET, else derived from the token."""
        if self.webhook_secret is not None:
            return self.webhook_secret.get_secret_value()
        return hashlib.sha256(f"sakshy-webhook:{self.token}".encode()).hexdigest()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str:
        if self.bot_token is None:
            raise RuntimeError("BOT_TOKEN is not set")
        return self.bot_token.get_secret_value()


EXPECTED = {
    "bot_token": "the token from @BotFather, like 123456789:AAH…  (digits, a colon, letters)",
    "staff_chat_id": "the numeric id of the staff supergroup, negative, like -1001234567890 "
    "(send /chatid in the group to see it)",
    "telegram_api_url": "an http(s) URL of a Bot API server, like http://127.0.0.1:8081, or empty",
    "database_path": "a file path, like data/sakshy.db (not a folder)",
    "default_locale": "kk or ru",
    "timezone": "an IANA time zone, like Asia/Almaty",
    "log_level": "one of DEBUG, INFO, WARNING, ERROR",
    "startup_retry_seconds": "a number of seconds between 0 and 3600",
    "staff_locale": "kk or ru, or empty for DEFAULT_LOCALE",
    "report_answer_hours": "a whole number of hours between 1 and 720",
    "answer_working_days": "a whole number of working days from 1 to 60",
    "refer_working_days": "a whole number of working days from 1 to 60",
    "extend_max_months": "a whole number of months from 1 to 12",
    "holidays_file": "a path to a file of days, a line each like 2027-03-20 off, or empty",
    "report_max_open": "a whole number between 1 and 100",
    "report_max_per_hour": "a whole number between 1 and 100",
    "flood_burst": "a whole number from 1 to 1000",
    "flood_per_minute": "a number above 0 (at most 6000)",
    "service_area": "south,west,north,east in degrees, like 42.20,69.40,42.48,69.90",
    "categories_file": "a path to a categories TOML file (see bot/data/categories.toml), or empty",
    "remind_untaken_minutes": "minutes, a number above 0 (at most 1440)",
    "escalate_untaken_minutes": "minutes, a number above 0 (at most 2880)",
    "supervisors_chat_id": "the numeric id of the supervisors' group (negative), or empty",
    "analysts_chat_id": "the numeric id of the analysts' group (negative), or empty",
    "complaints_chat_id": "the numeric id of the complaints group (negative), or empty",
    "complaint_answer_working_days": "a whole number of working days from 1 to 60",
    "remind_unresolved_hours": "hours, a number above 0 (at most 720)",
    "survey_after_hours": "hours, a number from 0 to 720",
    "quiet_hours": "local hours like 22:00-08:00",
    "digest_time": "a local time like 08:30",
    "backup_dir": "a folder for the daily backups, or empty for none",
    "backup_time": "a local time like 03:30",
    "backup_keep": "a whole number of backups to keep, from 1 to 365",
    "outbox_stall_minutes": "minutes, a number above 0 (at most 1440)",
    "retention_days": "a whole number of days from 7 to 3650",
    "followup_tick_seconds": "seconds, a number above 0 (at most 600)",
    "telegram_time_scale": "a number above 0, at most 1 (leave it out: tests only)",
    "helper_min_age": "a whole number of years from 16 to 100",
    "helper_cooldown_days": "a whole number of days from 0 to 3650",
    "duplicate_radius_m": "a whole number of metres from 10 to 5000",
    "duplicate_hours": "a whole number of hours from 1 to 720",
    "survey_min_answers": "a whole number from 1 to 100",
    "duty_wave_factor": "a whole number from 1 to 20",
    "duty_wave_minutes": "a whole number of minutes from 1 to 1440",
    "duty_withdraw_hours": "hours, a number from 0 to 168",
    "duty_checkin_radius_m": "a whole number of metres from 10 to 10000",
    "webhook_url": "the public https address Telegram posts to, like "
    "https://sakshy.example.kz/telegram (port 443, 80, 88 or 8443), or empty for polling",
    "webhook_secret": "1 to 256 characters: letters A-Z a-z, digits, _ and -, or empty",
    "webhook_host": "the address the bot's HTTP server listens on, like 127.0.0.1",
    "webhook_port": "a port number from 1 to 65535",
    "health_port": "a port number from 1 to 65535 for GET /healthz, or empty for none",
    "health_host": "the address the /healthz listener listens on, like 127.0.0.1",
    "web_port": "a port number for the staff console, or empty for none",
    "web_host": "the address the staff console listens on, like 127.0.0.1",
    "console_url": "the console's public address, https://…/console/, or empty",
    "console_app_link": "the Mini App's link, https://t.me/<bot>/<app>, or empty",
    "console_auth_max_age_hours": "a number of hours above 0, at most 168",
    "console_session_hours": "a number of hours above 0, at most 24",
    "map_tile_url": "a tile address with {z}, {x} and {y}, like "
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
}


_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _parse_clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


NO_TOKEN_HELP = (
    "BOT_TOKEN: not set. Create a bot with @BotFather in Telegram (/newbot), copy the token it "
    "gives you into .env as BOT_TOKEN=…, or run `sakshy demo` to see the bot work without a token."
)


def _token_given(env_file: str | Path | None) -> bool:
    if any(key.upper() == "BOT_TOKEN" and value for key, value in os.environ.items()):
        return True
    if env_file is None or not Path(env_file).exists():
        return False
    values = {k.upper(): v for k, v in dotenv_values(env_file).items()}
    return bool(values.get("BOT_TOKEN"))


class ConfigError(Exception):
    """The configuration cannot be used; `problems` holds one plain line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def describe_errors(exc: ValidationError) -> list[str]:
    """Turn pydantic's errors into one line per key, naming the key and what is expected."""
    known = [name.upper() for name in Settings.model_fields]
    problems: list[str] = []
    for error in exc.errors():
        loc = str(error["loc"][0]) if error["loc"] else "?"
        key = loc.upper()
        if error["type"] == "extra_forbidden":
            guess = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {guess[0]}?)" if guess else ""
            problems.append(f"{key}: unknown key in .env{hint}")
            continue
        expected = EXPECTED.get(loc.lower(), "a valid value")
        problems.append(f"{key}: expected {expected}")
    return problems


def load_settings(*, require_token: bool = True, env_file: str | Path | None = ".env") -> Settings:
    """Read settings; raise ConfigError with plain-language lines instead of a traceback."""
    if env_file is not None:
        env_path = Path(env_file)
        if env_path.exists():
            try:
                env_path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(
                    [f".env: cannot be read as UTF-8 text ({exc.__class__.__name__})"]
                ) from None
    try:
        settings = Settings(_env_file=env_file)
    except ValidationError as exc:
        problems = describe_errors(exc)
        if require_token and not _token_given(env_file):
            problems.insert(0, NO_TOKEN_HELP)
        raise ConfigError(problems) from None
    if require_token and settings.bot_token is None:
        raise ConfigError([NO_TOKEN_HELP])
    host = settings.telegram_api_url.host if settings.telegram_api_url else None
    if settings.telegram_time_scale != 1 and host not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError(
            [
                "TELEGRAM_TIME_SCALE: only for a fake Telegram on this machine (TELEGRAM_API_URL "
                "on 127.0.0.1); with the real Telegram it would break its limits"
            ]
        )
    if (
        settings.webhook_url is not None
        and settings.health_port == settings.webhook_port
        and settings.health_host == settings.webhook_host
    ):
        raise ConfigError(
            [
                "HEALTH_PORT: the webhook server listens there already and serves /healthz "
                "itself; leave HEALTH_PORT empty or give it a port of its own"
            ]
        )
    analysts = settings.analysts_chat_id
    if analysts is not None and analysts in (settings.staff_chat_id, settings.supervisors_chat_id):
        raise ConfigError(
            [
                "ANALYSTS_CHAT_ID: expected a chat of its own, not the staff or the supervisors' "
                "group (the analysts' chat must never get personal data)"
            ]
        )
    complaints = settings.complaints_chat
    if complaints is not None and complaints in (settings.staff_chat_id, analysts):
        key = "COMPLAINTS_CHAT_ID" if settings.complaints_chat_id else "SUPERVISORS_CHAT_ID"
        raise ConfigError(
            [
                f"{key}: complaints about officers need a chat of their own, not the staff or "
                "the analysts' group (the officers complained about sit there)"
            ]
        )
    return settings


#: said at start and by check-config when STAFF_CHAT_ID is not set
STAFF_CHAT_MISSING = (
    "STAFF_CHAT_ID is not set: no staff group gets reports, so nobody could answer them. Add the "
    "bot to the staff supergroup as an admin, send /chatid there and set STAFF_CHAT_ID to the "
    "number it shows."
)
