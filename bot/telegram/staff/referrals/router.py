"""The directory of outside bodies (/bodies; /body add and remove for administrators) and
/refer with a note, in the staff group. The «↪️ Refer» button lives with the post's other
buttons (bot/telegram/staff/reports/router.py)."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import get_i18n

from bot.domain.referrals import MAX_BODY_NAME, BodyError, Contact, check_body
from bot.domain.reports import MAX_NOTE
from bot.services.desk import DeskService
from bot.services.referrals import ReferralService
from bot.telegram import texts as common
from bot.telegram.access import Staff
from bot.telegram.staff.referrals import texts
from bot.telegram.staff_members import parse_number

#: how an administrator writes the way to reach a body
CONTACTS = {"tg": Contact.TELEGRAM, "telegram": Contact.TELEGRAM, "email": Contact.EMAIL,
            "e-mail": Contact.EMAIL, "hand": Contact.HAND}  # fmt: skip


def router() -> Router:
    r = Router(name="staff_referrals")
    r.message.register(bodies, Command("bodies"), Staff("bodies"))
    admins = Staff("body", where="main", admin=common.admins_only)
    r.message.register(body, Command("body"), admins)
    r.message.register(refer, Command("refer"), Staff("refer", where="posts"))
    return r


async def bodies(message: Message, referrals: ReferralService) -> None:
    """/bodies: the list, with each body's key and how it is reached."""
    found = referrals.active()
    if not found:
        await message.reply(texts.bodies_none())
        return
    locale = get_i18n().current_locale
    lines = [texts.bodies_title()]
    for item in found:
        if item.contact is Contact.TELEGRAM and item.chat_id is not None:
            how = texts.contact_telegram(item.chat_id)
        elif item.contact is Contact.EMAIL:
            how = escape(item.email or "")
        else:
            how = texts.contact_hand()
        lines.append(f"• <code>{item.id}</code> · {escape(item.name(locale))} · {how}")
    await message.reply("\n".join(lines))


async def body(
    message: Message, command: CommandObject, referrals: ReferralService, desk: DeskService
) -> None:
    """/body add KEY tg|email|hand [address] with kk: and ru: lines; /body remove KEY."""
    assert message.from_user is not None
    first, _, rest = (command.args or "").partition("\n")
    words = first.split()
    if len(words) == 2 and words[0].lower() == "remove":
        if await referrals.remove_body(words[1]):
            await desk.audited(message.from_user.id, message.from_user.full_name,
                               message.chat.id, "body_remove", words[1])  # fmt: skip
            await message.reply(texts.body_removed(escape(words[1])))
        else:
            await message.reply(texts.body_unknown(escape(words[1][:40])))
        return
    if len(words) not in (3, 4) or words[0].lower() != "add":
        await message.reply(texts.body_usage())
        return
    names: dict[str, str] = {}
    for line in rest.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in ("kk", "ru"):
            names[key.strip().lower()] = value.strip()[: MAX_BODY_NAME + 1]
    contact = CONTACTS.get(words[2].lower(), words[2].lower())
    try:
        made = check_body(words[1], names, contact, words[3] if len(words) == 4 else None)
    except BodyError as exc:
        await message.reply(texts.body_problems(str(exc).split(",")))
        return
    if not await referrals.save_body(made):
        await message.reply(texts.body_chat_taken())
        return
    await desk.audited(message.from_user.id, message.from_user.full_name, message.chat.id,
                       "body_add", made.id)  # fmt: skip
    await message.reply(texts.body_saved(made.id))


async def refer(message: Message, command: CommandObject, referrals: ReferralService) -> None:
    """/refer N KEY note: referred with the officer's own note for the resident and the body."""
    assert message.from_user is not None
    words = (command.args or "").replace("№", " ").split(None, 2)
    number = parse_number(words[0]) if words else None
    if number is None or len(words) < 3 or not words[2].strip():
        await message.reply(texts.refer_usage())
        return
    note = words[2].strip()
    if len(note) > MAX_NOTE:
        await message.reply(common.extend_reason_long(MAX_NOTE))
        return
    step = await referrals.refer(
        number, words[1], note, message.from_user.id, message.from_user.full_name
    )
    if step.refused is not None or step.report is None:
        reason = step.refused.value if step.refused else "closed"
        await message.reply(texts.refer_refused(reason, number))
        return
    locale = get_i18n().current_locale
    found = referrals.body(words[1])
    name = escape(found.name(locale)) if found else words[1]
    await message.reply(texts.referred(number, name))
