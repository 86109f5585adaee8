"""The conversations most end-to-end tests walk through, written once: onboarding (/start,
language, consent) and the quick report (a category, a description in words or a photo's
caption, a typed address or a shared location, no more photos, named or anonymous, no phone,
«Send»).

The report's steps are data (`quick_report`): a test that walks the wizard in order uses
`fill_report` or `submit_report`; a test that answers whatever the bot asks last (a bot that
is killed and restarted may ask again) finds the step a message asks with `step_asked` and
answers it with `Step.answer_to`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from aiogram.filters.callback_data import CallbackData

from bot.telegram.callbacks import CategoryCb, ConsentCb, LanguageCb, ReportStepCb
from bot.testing.fake_telegram.world import BotMessage

#: the reply keyboard's «Skip» of the wizard's optional steps
SKIP = {"kk": "⏭ Өткізіп жіберу", "ru": "⏭ Пропустить"}


@dataclass(frozen=True)
class Step:
    """One question of the wizard: how the resident answers it (`kind`: press an inline
    button with the callback data `answer`, send the text `answer`, tap the reply-keyboard
    button `answer`, send a photo with the caption `answer`, share the location "lat,lon",
    or nothing: "known", a place the wizard was started with) and what shows the question
    (`marker`: the button's callback data in the keyboard, or the step's number, "2/6", near
    the start of the text)."""

    name: str
    kind: Literal["press", "send", "tap", "photo", "locate", "known"]
    answer: str
    marker: str

    def asked_by(self, message: BotMessage) -> bool:
        if self.kind == "press":
            return self.marker in str(message.reply_markup)
        return self.marker in (message.text or "")[:30]

    async def answer_to(
        self, user: Any, message: BotMessage, *, typed: bool = False, **fields: str
    ) -> None:
        """Answer `message` (the question); `fields` fill the answer's `{placeholders}`.
        `typed`: a reply-keyboard button's label is sent as text (what a tap sends) without
        asserting that the keyboard is shown, for a user who answers an older question."""
        answer = self.answer.format(**fields) if fields else self.answer
        if self.kind == "press":
            await user.press(message, data=answer)
        elif self.kind == "tap" and not typed:
            await user.tap(answer)
        elif self.kind == "photo":
            await user.send_photo(caption=answer)
        elif self.kind == "locate":
            latitude, longitude = (float(x) for x in answer.split(","))
            await user.send_location(latitude, longitude)
        elif self.kind != "known":
            await user.send(answer)


def _press(name: str, data: str) -> Step:
    return Step(name, "press", data, data)


#: where a report is: a typed address, a shared location (latitude, longitude), or None when
#: the wizard was started with its place (from the inspector's card)
Place = str | tuple[float, float] | None


def quick_report(
    lang: str,
    *,
    category: str = "noise",
    description: str = "Шу / шум",
    photo: bool = False,
    address: Place = "Тұран 12",
    who: str = "named",
) -> list[Step]:
    """The wizard's questions in order, up to and with the summary («Send» pressed):
    `category`, `description` (in words, or a photo's caption with `photo`), the place
    (`address`), no more photos, named or anonymous (`who`), no phone."""
    if address is None:
        place = Step("location", "known", "", "📍")
    elif isinstance(address, tuple):
        place = Step("location", "locate", f"{address[0]},{address[1]}", "3/6")
    else:
        place = Step("location", "send", address, "3/6")
    return [
        _press("category", CategoryCb(key=category).pack()),
        Step("description", "photo" if photo else "send", description, "2/6"),
        place,
        Step("media", "tap", SKIP[lang], "4/6"),
        _press("anonymity", ReportStepCb(action=who).pack()),
        Step("phone", "tap", SKIP[lang], "6/6"),
        _press("summary", ReportStepCb(action="send").pack()),
    ]


def step_asked(steps: list[Step], message: BotMessage) -> Step | None:
    """The step whose question `message` is, if it is one."""
    return next((step for step in steps if step.asked_by(message)), None)


async def fill_report(user: Any, lang: str, *, start: bool = True, **report: Any) -> Any:
    """/report (unless not `start`: the wizard was opened otherwise, as from the inspector's
    card) and the wizard up to its summary; `report`: `quick_report`'s choices. Returns the
    summary, «Send» not pressed."""
    if start:
        await user.send("/report")
    for step in quick_report(lang, **report)[:-1]:
        await step.answer_to(user, await user.next_message())
    return await user.next_message()


async def submit_report(user: Any, lang: str, **report: Any) -> Any:
    """A quick report (see fill_report), sent; returns the receipt."""
    await user.press(await fill_report(user, lang, **report), data=ReportStepCb(action="send"))
    return await user.next_message(timeout=10)


async def onboard(user: Any, lang: str, consent: str | None = "yes") -> Any:
    """/start, pick the language, then answer the consent question with "yes" or "no", or
    leave it open (None). Returns the consent question."""
    await user.send("/start")
    await user.next_message()  # the welcome
    await user.press(await user.next_message(), data=LanguageCb(code=lang))
    await user.next_message()  # language switched
    question = await user.next_message()
    if consent is not None:
        await user.press(question, data=ConsentCb(action=consent))
        await user.next_message()
    return question


async def button_shown(
    tg: Any, message: BotMessage, data: CallbackData, within: float = 10
) -> None:
    """Wait until `message`'s inline keyboard carries the button of callback data `data` (an
    edit of the keyboard comes after the press that asked for it); `within` seconds, scaled
    as every wait of the fake is."""
    packed = data.pack()
    await tg.wait_for(lambda: packed in str(message.reply_markup), timeout=within)
