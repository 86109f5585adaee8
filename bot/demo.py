"""`sakshy demo`: the real bot against the built-in Telegram emulator, no token, no network.

Plays a short scripted conversation and prints it as a person would read it. The story happens
in a world whose clock the demo sets itself (the next weekday at 11:00 in the configured zone,
running on from there), so it plays the same at any hour, on any day, in any year.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config import ConfigError, Settings, describe_errors
from bot.services.clock import WorldClock, next_weekday_at, utc_now
from bot.testing.timeouts import timeout_scale

DEMO_TOKEN = "100200300:DEMO-token-for-the-local-emulator"
#: the story, and the bot's stop after it, at most (times SAKSHY_TEST_TIMEOUT_SCALE)
DEMO_LIMIT_SECONDS = 180.0
STOP_LIMIT_SECONDS = 30.0
RESIDENT_ID = 777001
STAFF_CHAT_ID = -1001234567890


def _keyboard_lines(markup: dict[str, Any] | None) -> list[str]:
    if not markup:
        return []
    if "inline_keyboard" in markup:
        return [
            "   " + "  ".join(f"[ {b['text']} ]" for b in row) for row in markup["inline_keyboard"]
        ]
    if "keyboard" in markup:
        rows = [
            "  ".join(f"( {b['text'] if isinstance(b, dict) else b} )" for b in row)
            for row in markup["keyboard"]
        ]
        return ["   ⌨ " + rows[0], *("     " + r for r in rows[1:])]
    return []


def _content(message: Any) -> str:
    """What a message without text shows: a contact card, a venue, a map pin."""
    raw = getattr(message, "raw", {}) or {}
    if "contact" in raw:
        c = raw["contact"]
        name = " ".join(filter(None, (c.get("first_name"), c.get("last_name"))))
        return f"📇 [contact] {name}: {c.get('phone_number')}"
    if "venue" in raw:
        v = raw["venue"]
        loc = v["location"]
        return f"📍 [map] {v['title']}, {v['address']} ({loc['latitude']}, {loc['longitude']})"
    if "location" in raw:
        loc = raw["location"]
        return f"📍 [map] {loc['latitude']}, {loc['longitude']}"
    return ""


def where_stuck(db: Any) -> str:
    """Every task of the loop and what it waits on, innermost last (and whether the database
    is held): what a stuck demo prints instead of hanging."""
    lines = [f"  database held: {db.held()}"]
    for task in asyncio.all_tasks():
        lines.append(f"  task {task.get_name()}:")
        step: Any = task.get_coro()
        for _ in range(40):
            if step is None:
                break
            frame = next(
                (
                    getattr(step, a)
                    for a in ("cr_frame", "gi_frame", "ag_frame")
                    if getattr(step, a, None)
                ),
                None,
            )
            if frame is not None:
                lines.append(
                    f"    {frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}"
                )
            step = next(
                (
                    getattr(step, a)
                    for a in ("cr_await", "gi_yieldfrom", "ag_await")
                    if getattr(step, a, None) is not None
                ),
                None,
            )
        lines.append(f"    waits on {step!r}")
    return "\n".join(lines)


def render_bot(message: Any) -> str:
    lines = [
        f"🤖 Сақшы: {line}" if i == 0 else f"          {line}".rstrip()
        for i, line in enumerate((message.text or _content(message)).splitlines() or [""])
    ]
    lines += _keyboard_lines(message.reply_markup)
    return "\n".join(lines)


async def _drain(user: Any, out: list[str], quiet: float = 0.4, first: float = 5.0) -> list[Any]:
    """Collect the bot's answers until it stays quiet for a moment."""
    got: list[Any] = []
    timeout = first
    while True:
        try:
            message = await user.next_message(timeout=timeout)
        except (TimeoutError, AssertionError):
            return got
        got.append(message)
        out.append(render_bot(message))
        timeout = quiet


def _button(keyboard: list[list[str]] | None, prefix: str) -> str:
    """The label of the reply keyboard's button that starts with `prefix`."""
    if keyboard is None:
        raise LookupError(f"no reply keyboard shown, no button {prefix}")
    return next(label for row in keyboard for label in row if label.startswith(prefix))


REPORT_SCRIPT = {
    "kk": ("Түнде көршілер қатты музыка қосып, айқайлап жатыр", "Тұран даңғылы 12, 3-подъезд"),
    "ru": ("Соседи ночью громко включают музыку и кричат", "пр. Туран 12, 3-й подъезд"),
}


async def _play_report(user: Any, me: str, lang: str, out: list[str]) -> None:
    """A resident reports noise: category, text, a typed address, no photos, named, no phone."""
    report_label = _button(user.reply_keyboard, "📝")
    out.append(f"👤 {me}: {report_label}")
    await user.tap(report_label)
    (step1,) = await _drain(user, out)
    noise = step1.reply_markup["inline_keyboard"][0][0]
    out.append(f"👤 {me}: presses [ {noise['text']} ]")
    await user.press(step1, data=noise["callback_data"])
    await _drain(user, out)
    what, where = REPORT_SCRIPT[lang]
    for text in (what, where):
        out.append(f"👤 {me}: {text}")
        await user.send(text)
        await _drain(user, out)
    skip = _button(user.reply_keyboard, "⏭")
    out.append(f"👤 {me}: {skip}")
    await user.tap(skip)
    (anonymity,) = await _drain(user, out)
    named = anonymity.reply_markup["inline_keyboard"][0][0]
    out.append(f"👤 {me}: presses [ {named['text']} ]")
    await user.press(anonymity, data=named["callback_data"])
    await _drain(user, out)
    out.append(f"👤 {me}: {skip}")
    await user.tap(skip)
    (summary,) = await _drain(user, out)
    send = summary.reply_markup["inline_keyboard"][0][0]
    out.append(f"👤 {me}: presses [ {send['text']} ]")
    await user.press(summary, data=send["callback_data"])
    await _drain(user, out, first=10.0)


#: the public helper of the duty scene: nobody of the demo directory (its inspectors are
#: Серікбаев Ерлан, Тұрсынова Айгүл, Әбдіров Дәурен, Оспанов Нұрлан)
HELPER_NAME = "Жұмабаев Тимур"

DUTY_FORM = {
    "kk": "/duty\nкүні: {date}\nуақыты: 18:00-21:00\nучаскелер: zhd-vokzal\nорны: mpp-zhd\n"
    "көмекшілер: 2\nтапсырма: Вокзал алаңында кешкі патрульдеу\n"
    "жауапты: капитан Ахметов +77011234567",
    "ru": "/duty\nдата: {date}\nвремя: 18:00-21:00\nучастки: zhd-vokzal\nместо: mpp-zhd\n"
    "помощники: 2\nзадача: Вечернее патрулирование у вокзала\n"
    "ответственный: капитан Ахметов +77011234567",
}


async def _play_duty(
    app: Any, fake: Any, staff: Any, officer: Any, who: str, lang: str, out: list[str]
) -> None:
    """A public helper (vetted and registered earlier) is offered a duty and takes a seat."""
    from datetime import date, timedelta

    from bot.domain.helpers import HelperAction, HelperDraft
    from bot.services.report_followups import in_quiet_hours

    names = {"kk": "Тимур", "ru": "Тимур"}
    helper = fake.user(777010, first_name=names[lang], language_code=lang)
    await helper.send("/start")
    await _drain(helper, [])
    account = await app.users.set_language(helper.id, lang)
    draft = HelperDraft(
        HELPER_NAME, date(1990, 1, 5), "900105300128", "+77011112233",
        ("zhd-vokzal",), tuple(range(7)), ("morning", "day", "evening", "night"), "",
    )  # fmt: skip
    local = app.clock().astimezone(app.settings.zone)
    applied = await app.helpers.apply(account, draft, local.date())
    for action, extra in (
        (HelperAction.CHECK, {}),
        (HelperAction.REGISTER, {"registration": ("ҚК-0042", local.strftime("%d.%m.%Y"))}),
        (HelperAction.ACTIVATE, {}),
    ):
        await app.helpers.act(
            applied.id, action, officer_id=officer.id, officer_name="Officer", **extra
        )
    await _drain(helper, [])
    await _drain(staff, [])
    out.append(
        f"— {names[lang]} applied as a public helper earlier; the police checked the "
        "application and the akimat registered it —"
    )
    day = (local.date() + timedelta(days=3)).strftime("%d.%m.%Y")
    form = DUTY_FORM[lang].format(date=day)
    out.append(f"{who}:\n{form}")
    await staff.send(officer, form)
    await _drain(staff, out, first=10.0)
    morning = in_quiet_hours(app.clock(), app.settings.quiet, app.settings.zone)
    if morning is not None and hasattr(app.clock, "set"):
        # a demo scripted at night: the offer really waits; the world's clock moves to morning
        out.append(f"— quiet hours: the offer waits until {morning:%H:%M}; the clock moves on —")
        app.clock.set(morning)
    offers = await _drain(helper, out, first=10.0)
    if not offers:
        out.append("— no offer yet: it waits for the end of the quiet hours —")
        return
    offer = offers[0]
    accept = offer.reply_markup["inline_keyboard"][0][0]
    out.append(f"👤 {names[lang]}: presses [ {accept['text']} ]")
    await helper.press(offer, data=accept["callback_data"])
    await fake.wait_for(lambda: offer.edits, timeout=10)
    out.append(render_bot(offer))
    await fake.wait_for(
        lambda: any(f"{HELPER_NAME} (№" in (m.text or "") for m in staff.messages), timeout=10
    )
    roster = next(m for m in reversed(staff.messages) if f"{HELPER_NAME} (№" in (m.text or ""))
    out.append(f"🏢 the duty's post, updated:\n{render_bot(roster)}")


def demo_settings(lang: str, folder: Path, api_url: str = "http://127.0.0.1:1") -> Settings:
    """The demo's settings: the environment's (a time zone, quiet hours …) with the emulator's
    token, chat and a throwaway database. A bad key raises ConfigError, one line per problem,
    as `sakshy run` reports it."""
    try:
        return Settings(
            _env_file=None,
            bot_token=DEMO_TOKEN,
            telegram_api_url=api_url,
            database_path=folder / "demo.db",
            staff_chat_id=STAFF_CHAT_ID,
            default_locale=lang,
            followup_tick_seconds=0.5,
        )
    except ValidationError as exc:
        raise ConfigError(describe_errors(exc)) from None


#: the demo's world starts on a working morning, outside the quiet hours
DEMO_TIME_OF_DAY = clock_time(11, 0)


def demo_clock(settings: Settings) -> WorldClock:
    """The next weekday at 11:00 in the configured zone, running at real pace from there."""
    return WorldClock(next_weekday_at(utc_now(), settings.zone, DEMO_TIME_OF_DAY))


async def run_demo(
    lang: str = "kk", verbose: bool = False, clock: Callable[[], datetime] | None = None
) -> int:
    """`clock`: the world's clock (default `demo_clock`); a clock at night shows the quiet
    hours holding the duty offer back until morning (a `WorldClock` is then moved on)."""
    from bot.app import SakshyApp
    from bot.testing.fake_telegram import FakeTelegram

    # a bad configuration stops it here, before anything runs
    demo_settings(lang, Path(tempfile.gettempdir()))
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR)
    fake = FakeTelegram(token=DEMO_TOKEN, bot_username="sakshy_demo_bot", time_scale=0.05)
    started = time.monotonic()
    await fake.start()
    staff_titles = {"kk": "Кезекші бөлім", "ru": "Дежурная часть"}
    # a forum: each report gets its own topic there (the set-up the README recommends)
    staff = fake.group(STAFF_CHAT_ID, title=staff_titles[lang], bot_is_admin=True, forum=True)
    with tempfile.TemporaryDirectory(prefix="sakshy-demo-") as folder:
        settings = demo_settings(lang, Path(folder), fake.url)
        world = clock or demo_clock(settings)
        app = SakshyApp(settings, clock=world, polling_timeout=1, time_scale=0.05)
        await app.open()
        await app.directory.import_demo()  # the pilot's four squares, fictional inspectors
        task = asyncio.create_task(app.run())
        out: list[str] = []
        names = {"kk": "Айгерім", "ru": "Айгерим"}
        me = names[lang]
        user = fake.user(RESIDENT_ID, first_name=me, language_code="en")
        stuck: list[str] = []
        try:
            # a story of about 20 s: one still running after this long is stuck somewhere,
            # and says where instead of hanging (a machine's load is allowed for)
            async with asyncio.timeout(DEMO_LIMIT_SECONDS * timeout_scale()):
                out.append(f"— Sakshy demo ({lang}): the real bot, a local Telegram emulator —\n")
                out.append(f"👤 {me}: /start")
                await user.send("/start")
                answers = await _drain(user, out)
                picker = next(
                    m for m in answers if m.reply_markup and "inline_keyboard" in m.reply_markup
                )
                label = {"kk": "🇰🇿 Қазақша", "ru": "🇷🇺 Русский"}[lang]
                out.append(f"👤 {me}: presses [ {label} ]")
                await user.press(picker, data=f"lang:{lang}")
                answers = await _drain(user, out)
                consent = next(
                    m for m in answers if m.reply_markup and "inline_keyboard" in m.reply_markup
                )
                agree = consent.reply_markup["inline_keyboard"][0][0]
                out.append(f"👤 {me}: presses [ {agree['text']} ]")
                await user.press(consent, data=agree["callback_data"])
                await _drain(user, out)
                help_label = _button(user.reply_keyboard, "ℹ️")
                out.append(f"👤 {me}: {help_label}")
                await user.tap(help_label)
                await _drain(user, out)
                out.append(f"👤 {me}: (a sticker)")
                await user.send_sticker()
                await _drain(user, out)
                out.append(f"👤 {me}: <script>alert(1)</script> where is my inspector?")
                await user.send("<script>alert(1)</script> where is my inspector?")
                await _drain(user, out)
                # my district inspector: a location inside the demo square «ЖД вокзал»
                inspector_label = _button(user.reply_keyboard, "👮")
                out.append(f"👤 {me}: {inspector_label}")
                await user.tap(inspector_label)
                await _drain(user, out)
                out.append(f"👤 {me}: (shares a location: 42.3000, 69.6100, the railway station)")
                await user.send_location(42.3000, 69.6100)
                await _drain(user, out)
                await _play_report(user, me, lang, out)
                posts = await _drain(staff, out[:0])  # the topic first, then what is in it
                for name in staff.topics.values():
                    out.append(f"🏢 {staff_titles[lang]}, new topic «{name}»:")
                out.extend(render_bot(post) for post in posts)
                officer_names = {"kk": "Кезекші Марат", "ru": "Дежурный Марат"}
                officer = fake.user(777002, first_name=officer_names[lang], language_code=lang)
                staff.add_member(officer)
                who = f"👮 {officer_names[lang]} ({staff_titles[lang]})"
                profile = {"kk": "/me капитан Ахметов", "ru": "/me капитан Ахметов"}[lang]
                out.append(f"{who}: {profile}")
                await staff.send(officer, profile)
                await _drain(staff, out)
                post = posts[-1]
                take = post.reply_markup["inline_keyboard"][0][0]
                out.append(f"{who}: presses [ {take['text']} ]")
                await staff.press(officer, post, data=take["callback_data"])
                await _drain(user, out, first=10.0)
                answer = {"kk": "Жақын арада барамыз. Подъезд нөмірі дұрыс па?",
                          "ru": "Скоро будем. Номер подъезда верный?"}[lang]  # fmt: skip
                out.append(f"{who}, in the report's topic: {answer}")
                await staff.send(officer, answer, thread_id=post.thread_id)
                relayed = await _drain(user, out, first=10.0)
                reply = {"kk": "Иә, 3-подъезд", "ru": "Да, 3-й подъезд"}[lang]
                out.append(f"👤 {me}, replying: {reply}")
                await user.reply(relayed[-1], reply)
                await _drain(user, out)
                out.append(f"🏢 {staff_titles[lang]}:")
                await _drain(staff, out, first=10.0)
                # resolved, with a note for the resident (a reply to the bot's request)
                await fake.wait_for(lambda: "st:resolve:" in str(post.reply_markup), timeout=10)
                resolve = post.reply_markup["inline_keyboard"][0][0]
                out.append(f"{who}: presses [ {resolve['text']} ]")
                await staff.press(officer, post, data=resolve["callback_data"])
                await fake.wait_for(lambda: "st:rs_note:" in str(post.reply_markup), timeout=10)
                with_note = post.reply_markup["inline_keyboard"][0][0]
                out.append(f"{who}: presses [ {with_note['text']} ]")
                await staff.press(officer, post, data=with_note["callback_data"])
                prompts = await _drain(staff, out, first=10.0)
                note = {
                    "kk": "Көршілерге ескерту жасалды, музыка өшірілді.",
                    "ru": "Соседям вынесено предупреждение, музыку выключили.",
                }[lang]
                out.append(f"{who}, replying to the bot: {note}")
                await staff.send(officer, note, reply_to=prompts[-1], thread_id=post.thread_id)
                await _drain(user, out, first=10.0)
                await fake.wait_for(
                    lambda: all(t.closed for t in staff.all_topics.values()), timeout=10
                )
                out.append(f"🏢 {staff_titles[lang]}: the report's topic is closed")
                await _play_duty(app, fake, staff, officer, who, lang, out)
        except TimeoutError:
            stuck.append(
                "the demo's story did not end; it waited here:\n"
                + traceback.format_exc()
                + "the other tasks:\n"
                + where_stuck(app.db)
            )
        finally:
            try:
                async with asyncio.timeout(STOP_LIMIT_SECONDS * timeout_scale()):
                    await app.stop()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            except TimeoutError:
                stuck.append("the bot did not stop:\n" + where_stuck(app.db))
                task.cancel()
            await fake.stop()
    print("\n\n".join(out))
    if stuck:
        print("\n".join(stuck), file=sys.stderr)
        return 1
    refusals = list(getattr(fake, "refusals", []))
    print(
        f"\n— {len(out)} steps in {time.monotonic() - started:.1f} s; "
        f"Telegram refusals: {len(refusals)} —"
    )
    return 0 if not refusals else 1
