"""The simulated world: users, groups, the messages in their chats and the bot's messages."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..timeouts import describe, scaled
from .html_parser import find_entities

if TYPE_CHECKING:
    from .server import FakeTelegram


class Packable(Protocol):
    """Callback data as the bot builds it (an aiogram ``CallbackData``): pressed by its
    ``pack()``, so a test names the button the way the bot does."""

    def pack(self) -> str: ...


def _packed(data: str | Packable | None) -> str | None:
    return data if data is None or isinstance(data, str) else data.pack()


class NoMessageError(AssertionError):
    """Raised by ``next_message`` when the bot sent nothing in time."""


@dataclass
class BotMessage:
    """A message the bot sent, kept up to date when the bot edits or deletes it."""

    message_id: int
    chat_id: int
    method: str
    text: str | None
    html: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    thread_id: int | None = None
    media: str | None = None
    date: int = 0
    #: the order in which the fake received it among all the bot's messages in every chat
    seq: int = 0
    edits: list[str] = field(default_factory=list)
    deleted: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline buttons (flat) of the current markup."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [button for row in self.reply_markup["inline_keyboard"] for button in row]

    @property
    def button_texts(self) -> list[str]:
        """Texts of the inline buttons, or of the reply keyboard if that is what was sent."""
        if self.buttons:
            return [str(button["text"]) for button in self.buttons]
        return [text for row in self.keyboard or [] for text in row]

    @property
    def keyboard(self) -> list[list[str]] | None:
        """The reply keyboard sent with this message, as rows of button texts."""
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return None
        return [[_button_text(button) for button in row] for row in self.reply_markup["keyboard"]]

    @property
    def reply_to_message_id(self) -> int | None:
        """The message this one replies to (for a topic message: the topic's first message)."""
        reply = self.raw.get("reply_to_message")
        return int(reply["message_id"]) if reply else None

    @property
    def caption(self) -> str | None:
        """The caption of a media message."""
        return self.text if self.media else None


def _button_text(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))


@dataclass
class StoredMessage:
    """Any message in a chat, as the fake stores it."""

    message_id: int
    chat_id: int
    date: int
    sender_id: int
    payload: dict[str, Any]
    thread_id: int | None = None
    bot_message: BotMessage | None = None
    deleted: bool = False


@dataclass
class Topic:
    """A forum topic."""

    thread_id: int
    name: str
    icon_color: int
    created_by_bot: bool
    closed: bool = False


class ChatState(ABC):
    """What the fake knows about one chat: its messages and what the bot sent there."""

    chat_id: int
    is_private: bool = False

    def __init__(self, fake: FakeTelegram, chat_id: int) -> None:
        self._fake = fake
        self.chat_id = chat_id
        self._messages: dict[int, StoredMessage] = {}
        self._next_message_id = 1
        self._bot_messages: list[BotMessage] = []
        self._unread: deque[BotMessage] = deque()
        self._keyboard: dict[str, Any] | None = None

    @abstractmethod
    def chat_object(self) -> dict[str, Any]:
        """The Bot API ``Chat`` of this chat."""

    def _take_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def _live_message(self, message_id: int) -> StoredMessage | None:
        stored = self._messages.get(message_id)
        return None if stored is None or stored.deleted else stored

    def _record_bot_message(self, message: BotMessage) -> None:
        self._fake.bot_messages_sent += 1
        message.seq = self._fake.bot_messages_sent
        self._bot_messages.append(message)
        self._unread.append(message)
        markup = message.reply_markup
        if markup and "keyboard" in markup:
            self._keyboard = markup
        elif markup and markup.get("remove_keyboard"):
            self._keyboard = None

    @property
    def messages(self) -> list[BotMessage]:
        """Every message the bot sent to this chat, in order (current state after edits)."""
        return list(self._bot_messages)

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard currently shown in this chat (rows of texts), or None."""
        if self._keyboard is None:
            return None
        return [[_button_text(b) for b in row] for row in self._keyboard["keyboard"]]

    def _keyboard_button(self, text: str) -> Any:
        for row in (self._keyboard or {}).get("keyboard", []):
            for button in row:
                if _button_text(button) == text:
                    return button
        return None

    async def next_message(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """The next message the bot sent here that the test has not taken yet (``timeout`` is
        multiplied by ``SAKSHY_TEST_TIMEOUT_SCALE``, see bot.testing.timeouts)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + scaled(timeout)
        while not self._unread:
            remaining = deadline - loop.time()
            if remaining <= 0:
                sent = [m.text for m in self._bot_messages[-5:]]
                raise NoMessageError(
                    f"the bot sent no new message to chat {self.chat_id} within "
                    f"{describe(timeout)} (last messages there: {sent})"
                )
            await self._fake._wait_change(remaining)
        return self._unread.popleft()

    def unread(self) -> list[BotMessage]:
        """Take every message the bot sent here that the test has not taken yet."""
        taken = list(self._unread)
        self._unread.clear()
        return taken


class FakeUser(ChatState):
    """A Telegram user; also the private chat between this user and the bot."""

    is_private = True

    def __init__(
        self,
        fake: FakeTelegram,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        phone_number: str | None = None,
    ) -> None:
        super().__init__(fake, user_id)
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.phone_number = phone_number or f"+7700{user_id % 10_000_000:07d}"
        self.started = False
        self.blocked = False
        self.seen_by_bot = False

    def user_object(self) -> dict[str, Any]:
        """The Bot API ``User``."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat_object(self) -> dict[str, Any]:
        """The private ``Chat`` with this user."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    # --- acting in the private chat ------------------------------------------------------------

    async def send(
        self, text: str, *, entities: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        """Write ``text`` to the bot (commands get bot_command entities; ``entities`` are the
        formatting the user's app added: bold, links …)."""
        content: dict[str, Any] = {"text": text}
        entities = find_entities(text, entities)
        if entities:
            content["entities"] = entities
        return self._fake._post_user_message(self, self, content)

    async def tap(self, text: str) -> dict[str, Any]:
        """Press a button of the reply keyboard shown to this user (asserts it is there)."""
        button = self._keyboard_button(text)
        if button is None:
            shown = self.reply_keyboard
            if shown is None:
                raise AssertionError(
                    f"no reply keyboard is shown to user {self.id}; wanted {text!r}"
                )
            raise AssertionError(
                f"{text!r} is not a button of the reply keyboard shown to user {self.id}; "
                f"buttons: {[t for row in shown for t in row]}"
            )
        if isinstance(button, dict) and button.get("request_contact"):
            return await self.send_contact()
        if isinstance(button, dict) and button.get("request_location"):
            return await self.send_location(43.2389, 76.8897)
        return await self.send(text)

    async def send_location(
        self, latitude: float, longitude: float, live_period: int | None = None
    ) -> dict[str, Any]:
        """Share a location (a live one when ``live_period`` is given)."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period:
            location["live_period"] = live_period
        return self._fake._post_user_message(self, self, {"location": location})

    async def send_contact(
        self, phone_number: str | None = None, first_name: str | None = None
    ) -> dict[str, Any]:
        """Share a contact (this user's own, with ``user_id``)."""
        contact = {
            "phone_number": phone_number or self.phone_number,
            "first_name": first_name or self.first_name,
            "user_id": self.id,
        }
        return self._fake._post_user_message(self, self, {"contact": contact})

    async def send_photo(
        self, caption: str | None = None, media_group_id: str | None = None
    ) -> dict[str, Any]:
        """Send a photo (three sizes, fresh file ids)."""
        content: dict[str, Any] = {"photo": self._fake._new_photo()}
        if caption:
            content["caption"] = caption
            entities = find_entities(caption)
            if entities:
                content["caption_entities"] = entities
        if media_group_id:
            content["media_group_id"] = media_group_id
        return self._fake._post_user_message(self, self, content)

    async def send_document(
        self, file_name: str = "document.pdf", caption: str | None = None
    ) -> dict[str, Any]:
        """Send a document."""
        content: dict[str, Any] = {"document": self._fake._new_file_object("document", file_name)}
        if caption:
            content["caption"] = caption
        return self._fake._post_user_message(self, self, content)

    async def send_sticker(self) -> dict[str, Any]:
        """Send a sticker."""
        return self._fake._post_user_message(
            self, self, {"sticker": self._fake._new_file_object("sticker")}
        )

    async def send_voice(self, duration: int = 3) -> dict[str, Any]:
        """Send a voice note."""
        voice = self._fake._new_file_object("voice")
        voice["duration"] = duration
        return self._fake._post_user_message(self, self, {"voice": voice})

    async def send_video(self, duration: int = 5) -> dict[str, Any]:
        """Send a video."""
        video = self._fake._new_file_object("video")
        video["duration"] = duration
        return self._fake._post_user_message(self, self, {"video": video})

    async def send_dice(self, emoji: str = "🎲", value: int = 3) -> dict[str, Any]:
        """Throw a dice."""
        return self._fake._post_user_message(self, self, {"dice": {"emoji": emoji, "value": value}})

    async def edit(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        """Edit a text message this user sent; the bot gets an ``edited_message`` update."""
        return self._fake._edit_user_message(self, self, message, text)

    async def reply(self, bot_message: BotMessage | dict[str, Any], text: str) -> dict[str, Any]:
        """Reply to a message of the bot."""
        content: dict[str, Any] = {"text": text}
        entities = find_entities(text)
        if entities:
            content["entities"] = entities
        return self._fake._post_user_message(
            self, self, content, reply_to=_message_id_of(bot_message)
        )

    async def press(
        self,
        bot_message: BotMessage,
        *,
        data: str | Packable | None = None,
        text: str | None = None,
    ) -> str:
        """Press an inline button (found by callback data or text) of a bot message."""
        return self._fake._press(self, self, bot_message, data=_packed(data), text=text)

    async def press_stale(self, data: str, message: BotMessage | None = None) -> str:
        """A callback with data that no current button has (a keyboard from long ago)."""
        return self._fake._press_stale(self, self, data, message)

    async def answer_of(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The parameters the bot passed to answerCallbackQuery for this query."""
        return await self._fake._answer_of(query_id, timeout)

    async def inline_query(self, query: str, *, force: bool = False) -> int | None:
        """Type ``@bot query`` anywhere. Delivered only if the bot asked for inline queries,
        or with ``force`` (one made before the bot changed its allowed_updates)."""
        return self._fake._inline_query(self, query, force=force)

    def block(self) -> None:
        """Block the bot: sends fail with 403 and the bot gets a my_chat_member update."""
        if not self.blocked:
            self.blocked = True
            self._fake._my_chat_member(self, self, "member", "kicked")

    def unblock(self) -> None:
        """Unblock the bot."""
        if self.blocked:
            self.blocked = False
            self._fake._my_chat_member(self, self, "kicked", "member")


class FakeGroup(ChatState):
    """A group or supergroup (optionally a forum) with the bot in it."""

    def __init__(
        self,
        fake: FakeTelegram,
        chat_id: int,
        *,
        title: str,
        forum: bool,
        bot_is_admin: bool,
        privacy_mode: bool,
        supergroup: bool,
    ) -> None:
        super().__init__(fake, chat_id)
        self.title = title
        self.forum = forum
        self.supergroup = supergroup or forum
        self.privacy_mode = privacy_mode
        self.bot_status = "administrator" if bot_is_admin else "member"
        self.members: dict[int, FakeUser] = {}
        self.admins: set[int] = set()
        self.owner_id: int | None = None
        self.migrated_to: int | None = None
        self._topics: dict[int, Topic] = {}
        if forum:
            self._next_message_id = 2  # 1 is the General topic's creation

    @property
    def bot_is_admin(self) -> bool:
        """Whether the bot is an administrator here."""
        return self.bot_status == "administrator"

    def chat_object(self) -> dict[str, Any]:
        """The Bot API ``Chat`` of this group."""
        chat: dict[str, Any] = {
            "id": self.chat_id,
            "type": "supergroup" if self.supergroup else "group",
            "title": self.title,
        }
        if self.forum:
            chat["is_forum"] = True
        return chat

    def add_member(self, user: FakeUser, *, admin: bool = False, owner: bool = False) -> None:
        """Put a user in the group (the bot then knows the user)."""
        self.members[user.id] = user
        user.seen_by_bot = True
        if admin or owner:
            self.admins.add(user.id)
        if owner:
            self.owner_id = user.id

    async def member_changes(
        self, user: FakeUser, old: str, new: str, *, force: bool = False
    ) -> int | None:
        """A ``chat_member`` update (someone joins, leaves, is promoted): delivered only to an
        administrator bot that asked for them, or with ``force``."""
        if new in ("member", "administrator", "creator"):
            self.members[user.id] = user
        else:
            self.members.pop(user.id, None)
        return self._fake._chat_member(self, user, old, new, force=force)

    @property
    def topics(self) -> dict[int, str]:
        """Forum topics the bot created: thread id -> name."""
        return {t.thread_id: t.name for t in self._topics.values() if t.created_by_bot}

    @property
    def all_topics(self) -> dict[int, Topic]:
        """Every forum topic of the group."""
        return dict(self._topics)

    async def send(
        self,
        user: FakeUser,
        text: str,
        *,
        reply_to: BotMessage | dict[str, Any] | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """``user`` writes in the group; privacy mode decides whether the bot gets it."""
        content: dict[str, Any] = {"text": text}
        entities = find_entities(text)
        if entities:
            content["entities"] = entities
        return self._post(user, content, reply_to, thread_id)

    def _post(
        self,
        user: FakeUser,
        content: dict[str, Any],
        reply_to: BotMessage | dict[str, Any] | None,
        thread_id: int | None,
    ) -> dict[str, Any]:
        """``user`` (made a member if needed) posts ``content`` here."""
        if user.id not in self.members:
            self.add_member(user)
        return self._fake._post_user_message(
            self,
            user,
            content,
            reply_to=None if reply_to is None else _message_id_of(reply_to),
            thread_id=thread_id,
        )

    async def press(
        self,
        user: FakeUser,
        bot_message: BotMessage,
        *,
        data: str | Packable | None = None,
        text: str | None = None,
    ) -> str:
        """``user`` presses an inline button of a bot message in the group."""
        return self._fake._press(self, user, bot_message, data=_packed(data), text=text)

    async def send_document(
        self,
        user: FakeUser,
        file_name: str,
        data: bytes,
        caption: str | None = None,
        *,
        reply_to: BotMessage | dict[str, Any] | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """``user`` sends a file to the group (the bot can download ``data`` with getFile)."""
        content: dict[str, Any] = {
            "document": self._fake._new_file_object("document", file_name, data)
        }
        if caption:
            content["caption"] = caption
            entities = find_entities(caption)
            if entities:
                content["caption_entities"] = entities
        return self._post(user, content, reply_to, thread_id)

    async def press_stale(
        self, user: FakeUser, data: str, message: BotMessage | None = None
    ) -> str:
        """``user`` presses a button the message no longer has (a keyboard seen a moment ago)."""
        return self._fake._press_stale(self, user, data, message)

    async def edit(self, user: FakeUser, message: dict[str, Any], text: str) -> dict[str, Any]:
        """``user`` edits a text message they wrote in the group (``edited_message``)."""
        return self._fake._edit_user_message(self, user, message, text)

    async def create_topic(self, user: FakeUser, name: str) -> int:
        """``user`` opens a forum topic; returns its thread id."""
        return self._fake._create_topic(self, name, by=user)

    async def migrate_to_supergroup(self, new_chat_id: int) -> FakeGroup:
        """Upgrade a basic group; sends to the old id then fail with migrate_to_chat_id."""
        return self._fake._migrate(self, new_chat_id)

    def kick_bot(self) -> None:
        """Remove the bot: sends then fail with 403 and the bot gets a my_chat_member update."""
        old = self.bot_status
        self.bot_status = "kicked"
        self._fake._my_chat_member(self, None, old, "kicked")

    def set_bot_admin(self, admin: bool = True) -> None:
        """Promote or demote the bot (the bot gets a my_chat_member update)."""
        old = self.bot_status
        self.bot_status = "administrator" if admin else "member"
        self._fake._my_chat_member(self, None, old, self.bot_status)


def _message_id_of(message: BotMessage | dict[str, Any]) -> int:
    if isinstance(message, BotMessage):
        return message.message_id
    return int(message["message_id"])
