"""What users and groups do in the simulated world, and the updates the bot gets for it."""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..timeouts import describe, scaled
from .rules import inline_buttons
from .world import BotMessage, ChatState, FakeGroup, FakeUser, StoredMessage, Topic

TELEGRAM_USER: dict[str, Any] = {"id": 777000, "is_bot": False, "first_name": "Telegram"}

_MIME = {
    "document": ("application/pdf", "pdf"),
    "voice": ("audio/ogg", "ogg"),
    "video": ("video/mp4", "mp4"),
    "audio": ("audio/mpeg", "mp3"),
    "animation": ("video/mp4", "mp4"),
    "sticker": ("image/webp", "webp"),
    "photo": ("image/jpeg", "jpg"),
}


@dataclass
class CallbackQueryRecord:
    """A callback query the bot got, and how (or whether) it answered."""

    id: str
    user_id: int
    chat_id: int | None
    message_id: int | None
    data: str
    created: float
    answer: dict[str, Any] | None = None


def _strip_reply(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "reply_to_message"}


class WorldActions:
    """World-side behaviour of FakeTelegram (mixed in)."""

    if TYPE_CHECKING:
        bot_id: int
        bot_username: str
        users: dict[int, FakeUser]
        groups: dict[int, FakeGroup]

        @property
        def bot_user(self) -> dict[str, Any]: ...

        def now(self) -> float: ...

        def _notify(self) -> None: ...

        def _enqueue(
            self, kind: str, payload: dict[str, Any], *, force: bool = False
        ) -> int | None: ...

        async def _wait_change(self, seconds: float) -> None: ...

        def group(
            self,
            chat_id: int,
            title: str = ...,
            *,
            forum: bool = ...,
            bot_is_admin: bool = ...,
            privacy_mode: bool = ...,
            supergroup: bool = ...,
        ) -> FakeGroup: ...

    def _init_world(self) -> None:
        self._files: dict[str, dict[str, Any]] = {}
        self._queries: dict[str, CallbackQueryRecord] = {}
        self._file_numbers = itertools.count(1)
        self._query_numbers = itertools.count(1)

    # --- files ----------------------------------------------------------------------------------

    def _file_ids(self, kind: str, size: int, data: bytes | None = None) -> dict[str, Any]:
        number = next(self._file_numbers)
        file_id = f"FAKE{kind[:2].upper()}{number:06d}{secrets.token_urlsafe(12)}"
        unique_id = f"U{number:06d}{secrets.token_urlsafe(6)}"
        extension = _MIME.get(kind, ("application/octet-stream", "bin"))[1]
        self._files[file_id] = {
            "kind": kind,
            "file_unique_id": unique_id,
            "file_size": size,
            "file_path": f"{kind}s/file_{number}.{extension}",
            "data": data,
            "object": None,
        }
        return {"file_id": file_id, "file_unique_id": unique_id, "file_size": size}

    def _new_photo(self, data: bytes | None = None) -> list[dict[str, Any]]:
        sizes = []
        for width, height in ((90, 67), (320, 240), (800, 600)):
            size = len(data) if data is not None else width * height // 8
            sizes.append({**self._file_ids("photo", size, data), "width": width, "height": height})
        for item in sizes:
            self._files[item["file_id"]]["object"] = sizes
        return sizes

    def _new_file_object(
        self, kind: str, file_name: str | None = None, data: bytes | None = None
    ) -> dict[str, Any]:
        ids = self._file_ids(kind, len(data) if data is not None else 12345, data)
        mime = _MIME.get(kind, ("application/octet-stream", "bin"))[0]
        obj: dict[str, Any] = dict(ids)
        if kind == "document":
            name = file_name or "document.pdf"
            # as Telegram's apps do: the type from the file's name (a photo sent as a file is
            # image/jpeg, and keeps its EXIF)
            guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
            obj.update(file_name=name, mime_type=guessed)
        elif kind == "sticker":
            obj.update(
                type="regular", width=512, height=512, is_animated=False, is_video=False, emoji="🙂"
            )
        elif kind in ("video", "animation"):
            obj.update(width=640, height=360, duration=5, mime_type=mime)
        elif kind in ("voice", "audio"):
            obj.update(duration=3, mime_type=mime)
        self._files[obj["file_id"]]["object"] = obj
        return obj

    def _register_upload(self, kind: str, data: bytes, file_name: str) -> Any:
        if kind == "photo":
            return self._new_photo(data)
        return self._new_file_object(kind, file_name, data)

    def _file_contents(self, path: str) -> bytes | None:
        for record in self._files.values():
            if record["file_path"] == path:
                return record["data"] if record["data"] is not None else b"fake file contents"
        return None

    def _user_lookup(self, user_id: int) -> dict[str, Any] | None:
        if user_id == self.bot_id:
            return self.bot_user
        user = self.users.get(user_id)
        return user.user_object() if user else None

    # --- messages from people -------------------------------------------------------------------

    def _post_user_message(
        self,
        chat: ChatState,
        user: FakeUser,
        content: dict[str, Any],
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        if isinstance(chat, FakeUser):
            if user.blocked:
                user.unblock()  # writing to the bot again lifts the block
            user.started = True
            user.seen_by_bot = True
        if isinstance(chat, FakeGroup) and chat.migrated_to:
            raise AssertionError(
                f"group {chat.chat_id} was upgraded to {chat.migrated_to}; write there instead"
            )
        date = int(self.now())
        message_id = chat._take_message_id()
        payload: dict[str, Any] = {
            "message_id": message_id,
            "from": user.user_object(),
            "chat": chat.chat_object(),
            "date": date,
        }
        topic: Topic | None = None
        if thread_id is not None and isinstance(chat, FakeGroup) and chat.forum:
            topic = chat._topics.get(thread_id)
            if topic is None:
                raise AssertionError(f"group {chat.chat_id} has no forum topic {thread_id}")
            payload["message_thread_id"] = thread_id
            payload["is_topic_message"] = True
        replied: StoredMessage | None = None
        if reply_to is not None:
            replied = chat._live_message(reply_to)
            if replied is None:
                raise AssertionError(f"no message {reply_to} in chat {chat.chat_id} to reply to")
            payload["reply_to_message"] = _strip_reply(replied.payload)
        elif topic is not None:
            payload["reply_to_message"] = _strip_reply(chat._messages[topic.thread_id].payload)
        payload.update(content)
        chat._messages[message_id] = StoredMessage(
            message_id, chat.chat_id, date, user.id, payload, thread_id if topic else None
        )
        if not isinstance(chat, FakeGroup) or self._bot_receives(chat, payload, replied):
            user.seen_by_bot = True
            self._enqueue("message", payload)
        self._notify()
        return payload

    def _bot_receives(
        self, group: FakeGroup, payload: dict[str, Any], replied: StoredMessage | None
    ) -> bool:
        """Privacy mode: a plain member bot gets commands, replies to it and mentions only."""
        if group.bot_status not in ("member", "administrator"):
            return False
        if group.bot_is_admin or not group.privacy_mode:
            return True
        text = str(payload.get("text") or payload.get("caption") or "")
        entities = payload.get("entities") or payload.get("caption_entities") or []
        for entity in entities:
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                command = text[: entity["length"]]
                target = command.partition("@")[2]
                if not target or target.lower() == self.bot_username.lower():
                    return True
        if replied is not None and replied.sender_id == self.bot_id:
            return True
        return f"@{self.bot_username}".lower() in text.lower()

    def _edit_user_message(
        self, chat: ChatState, user: FakeUser, message: dict[str, Any], text: str
    ) -> dict[str, Any]:
        from .html_parser import find_entities

        stored = chat._live_message(int(message["message_id"]))
        if stored is None or stored.sender_id != user.id or "text" not in stored.payload:
            raise AssertionError("only a text message the user sent can be edited")
        stored.payload["text"] = text
        entities = find_entities(text)
        if entities:
            stored.payload["entities"] = entities
        else:
            stored.payload.pop("entities", None)
        stored.payload["edit_date"] = int(self.now())
        replied = None
        if "reply_to_message" in stored.payload:
            replied = chat._live_message(int(stored.payload["reply_to_message"]["message_id"]))
        if not isinstance(chat, FakeGroup) or self._bot_receives(chat, stored.payload, replied):
            self._enqueue("edited_message", dict(stored.payload))
        return dict(stored.payload)

    # --- callback queries -----------------------------------------------------------------------

    def _new_query(
        self, chat: ChatState, user: FakeUser, stored: StoredMessage | None, data: str
    ) -> str:
        query_id = str(4_100_000_000_000_000_000 + next(self._query_numbers) * 7919)
        self._queries[query_id] = CallbackQueryRecord(
            query_id,
            user.id,
            chat.chat_id if stored else None,
            stored.message_id if stored else None,
            data,
            self.now(),
        )
        payload: dict[str, Any] = {
            "id": query_id,
            "from": user.user_object(),
            "chat_instance": str(abs(hash((chat.chat_id, self.bot_id))) % 10**18),
            "data": data,
        }
        if stored is not None:
            payload["message"] = dict(stored.payload)
        self._enqueue("callback_query", payload)
        return query_id

    def _press(
        self,
        chat: ChatState,
        user: FakeUser,
        bot_message: BotMessage,
        *,
        data: str | None,
        text: str | None,
    ) -> str:
        if (data is None) == (text is None):
            raise AssertionError("press needs exactly one of data= or text=")
        stored = chat._live_message(bot_message.message_id)
        if stored is None:
            raise AssertionError(f"message {bot_message.message_id} was deleted")
        buttons = inline_buttons(stored.payload.get("reply_markup"))
        for button in buttons:
            if (data is not None and button.get("callback_data") == data) or (
                text is not None and button.get("text") == text
            ):
                if "callback_data" not in button:
                    raise AssertionError(f"button {button} does not send a callback query")
                return self._new_query(chat, user, stored, button["callback_data"])
        shown = [(b.get("text"), b.get("callback_data") or b.get("url")) for b in buttons]
        wanted = f"data={data!r}" if data is not None else f"text={text!r}"
        raise AssertionError(
            f"message {bot_message.message_id} has no inline button with {wanted}; buttons: {shown}"
        )

    def _press_stale(
        self, chat: ChatState, user: FakeUser, data: str, message: BotMessage | None
    ) -> str:
        stored: StoredMessage | None = None
        if message is not None:
            stored = chat._messages.get(message.message_id)
        else:
            for bot_message in reversed(chat._bot_messages):
                candidate = chat._live_message(bot_message.message_id)
                if candidate is not None:
                    stored = candidate
                    break
        return self._new_query(chat, user, stored, data)

    async def _answer_of(self, query_id: str, seconds: float) -> dict[str, Any]:
        record = self._queries.get(query_id)
        if record is None:
            raise AssertionError(f"no callback query {query_id}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + scaled(seconds)
        while record.answer is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"the bot did not answer callback query {query_id} within {describe(seconds)}"
                )
            await self._wait_change(remaining)
        return dict(record.answer)

    # --- membership, topics, migration ----------------------------------------------------------

    def _actor(self, group: FakeGroup) -> dict[str, Any]:
        if group.owner_id is not None and group.owner_id in self.users:
            return self.users[group.owner_id].user_object()
        return dict(TELEGRAM_USER)

    def _my_chat_member(self, chat: ChatState, user: FakeUser | None, old: str, new: str) -> None:
        from .methods import _member

        if user is not None:
            actor = user.user_object()
        elif isinstance(chat, FakeGroup):
            actor = self._actor(chat)
        else:
            actor = dict(TELEGRAM_USER)
        self._enqueue(
            "my_chat_member",
            {
                "chat": chat.chat_object(),
                "from": actor,
                "date": int(self.now()),
                "old_chat_member": _member(self.bot_user, old),
                "new_chat_member": _member(self.bot_user, new),
            },
        )

    def _inline_query(self, user: FakeUser, query: str, *, force: bool) -> int | None:
        self._query_seq = getattr(self, "_query_seq", 0) + 1
        return self._enqueue(
            "inline_query",
            {
                "id": f"77{user.id}{self._query_seq:06d}",
                "from": user.user_object(),
                "query": query[:256],
                "offset": "",
                "chat_type": "private",
            },
            force=force,
        )

    def _chat_member(
        self, group: FakeGroup, user: FakeUser, old: str, new: str, *, force: bool
    ) -> int | None:
        from .methods import _member

        return self._enqueue(
            "chat_member",
            {
                "chat": group.chat_object(),
                "from": self._actor(group),
                "date": int(self.now()),
                "old_chat_member": _member(user.user_object(), old),
                "new_chat_member": _member(user.user_object(), new),
            },
            force=force,
        )

    def _create_topic(
        self, group: FakeGroup, name: str, by: FakeUser | None, icon_color: int = 7322096
    ) -> int:
        if not group.forum:
            raise AssertionError(f"group {group.chat_id} is not a forum")
        thread_id = group._take_message_id()
        sender = by.user_object() if by else self.bot_user
        date = int(self.now())
        payload = {
            "message_id": thread_id,
            "from": sender,
            "chat": group.chat_object(),
            "date": date,
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "forum_topic_created": {"name": name, "icon_color": icon_color},
        }
        group._messages[thread_id] = StoredMessage(
            thread_id, group.chat_id, date, by.id if by else self.bot_id, payload, thread_id
        )
        group._topics[thread_id] = Topic(thread_id, name, icon_color, created_by_bot=by is None)
        if by is not None and group.bot_status in ("member", "administrator"):
            self._enqueue("message", payload)
        self._notify()
        return thread_id

    def _migrate(self, group: FakeGroup, new_chat_id: int) -> FakeGroup:
        if group.supergroup:
            raise AssertionError("only a basic group (supergroup=False) can be upgraded")
        new = self.group(
            new_chat_id,
            group.title,
            forum=False,
            bot_is_admin=group.bot_is_admin,
            privacy_mode=group.privacy_mode,
            supergroup=True,
        )
        new.members.update(group.members)
        new.admins.update(group.admins)
        new.owner_id = group.owner_id
        group.migrated_to = new_chat_id
        actor = self._actor(group)
        actor_id = int(actor["id"])
        date = int(self.now())
        for chat, field, value in (
            (group, "migrate_to_chat_id", new_chat_id),
            (new, "migrate_from_chat_id", group.chat_id),
        ):
            message_id = chat._take_message_id()
            payload = {
                "message_id": message_id,
                "from": actor,
                "chat": chat.chat_object(),
                "date": date,
                field: value,
            }
            chat._messages[message_id] = StoredMessage(
                message_id, chat.chat_id, date, actor_id, payload
            )
            self._enqueue("message", payload)
        return new


__all__ = ["CallbackQueryRecord", "WorldActions"]
