"""The Bot API methods the fake implements, checked in the order telegram-bot-api checks them.

Each handler takes the request parameters (all strings, as telegram-bot-api reads them) and
the uploaded files, and returns the ``result`` or raises :class:`ApiError`.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ApiError
from .links import parse_url
from .rules import (
    FormattedText,
    ReplyParameters,
    check_commands,
    check_language_code,
    check_location,
    finish_caption,
    finish_text,
    message_id_arg,
    parse_formatted,
    parse_reply_markup,
    parse_reply_parameters,
    parse_scope,
    prepare_reply_markup,
    read_commands,
    read_location,
    required,
    td_int,
    to_bool,
)
from .world import BotMessage, ChatState, FakeGroup, FakeUser, StoredMessage, Topic

if TYPE_CHECKING:
    from .ratelimit import RateLimiter
    from .webhook import WebhookPusher

CALLBACK_QUERY_LIFETIME = 15.0
DELETE_WINDOW = 48 * 3600
DEFAULT_TOPIC_COLOR = 7322096

#: the emoji a bot may react with (Bot API ReactionTypeEmoji)
REACTION_EMOJI = frozenset(
    [
        "👍",
        "👎",
        "❤",
        "🔥",
        "🥰",
        "👏",
        "😁",
        "🤔",
        "🤯",
        "😱",
        "🤬",
        "😢",
        "🎉",
        "🤩",
        "🤮",
        "💩",
        "🙏",
        "👌",
        "🕊",
        "🤡",
        "🥱",
        "🥴",
        "😍",
        "🐳",
        "❤\\u200d🔥",
        "🌚",
        "🌭",
        "💯",
        "🤣",
        "⚡",
        "🍌",
        "🏆",
        "💔",
        "🤨",
        "😐",
        "🍓",
        "🍾",
        "💋",
        "🖕",
        "😈",
        "😴",
        "😭",
        "🤓",
        "👻",
        "👨\\u200d💻",
        "👀",
        "🎃",
        "🙈",
        "😇",
        "😨",
        "🤝",
        "✍",
        "🤗",
        "🫡",
        "🎅",
        "🎄",
        "☃",
        "💅",
        "🤪",
        "🗿",
        "🆒",
        "💘",
        "🙉",
        "🦄",
        "😘",
        "💊",
        "🙊",
        "😎",
        "👾",
        "🤷\\u200d♂",
        "🤷",
        "🤷\\u200d♀",
        "😡",
    ]
)

METHODS: dict[str, str] = {
    "getme": "_m_get_me",
    "logout": "_m_true",
    "close": "_m_true",
    "getupdates": "_m_get_updates",
    "setwebhook": "_m_set_webhook",
    "deletewebhook": "_m_delete_webhook",
    "getwebhookinfo": "_m_get_webhook_info",
    "sendmessage": "_m_send_message",
    "sendphoto": "_m_send_photo",
    "senddocument": "_m_send_document",
    "sendvideo": "_m_send_video",
    "sendvoice": "_m_send_voice",
    "sendaudio": "_m_send_audio",
    "sendanimation": "_m_send_animation",
    "sendsticker": "_m_send_sticker",
    "senddice": "_m_send_dice",
    "sendlocation": "_m_send_location",
    "sendcontact": "_m_send_contact",
    "sendvenue": "_m_send_venue",
    "sendmediagroup": "_m_send_media_group",
    "sendchataction": "_m_send_chat_action",
    "copymessage": "_m_copy_message",
    "forwardmessage": "_m_forward_message",
    "editmessagetext": "_m_edit_message_text",
    "editmessagecaption": "_m_edit_message_caption",
    "editmessagereplymarkup": "_m_edit_message_reply_markup",
    "deletemessage": "_m_delete_message",
    "answercallbackquery": "_m_answer_callback_query",
    "setmycommands": "_m_set_my_commands",
    "getmycommands": "_m_get_my_commands",
    "deletemycommands": "_m_delete_my_commands",
    "setmydescription": "_m_set_my_description",
    "getmydescription": "_m_get_my_description",
    "setmyshortdescription": "_m_set_my_short_description",
    "getmyshortdescription": "_m_get_my_short_description",
    "setchatmenubutton": "_m_set_chat_menu_button",
    "getchatmenubutton": "_m_get_chat_menu_button",
    "getchat": "_m_get_chat",
    "getchatmember": "_m_get_chat_member",
    "getchatadministrators": "_m_get_chat_administrators",
    "getchatmembercount": "_m_get_chat_member_count",
    "getchatmemberscount": "_m_get_chat_member_count",
    "leavechat": "_m_leave_chat",
    "createforumtopic": "_m_create_forum_topic",
    "closeforumtopic": "_m_close_forum_topic",
    "reopenforumtopic": "_m_reopen_forum_topic",
    "pinchatmessage": "_m_pin_chat_message",
    "unpinchatmessage": "_m_unpin_chat_message",
    "setmessagereaction": "_m_set_message_reaction",
    "getfile": "_m_get_file",
}

_CHAT_ACTIONS = frozenset(
    {
        "cancel",
        "typing",
        "record_video",
        "upload_video",
        "record_audio",
        "record_voice",
        "upload_audio",
        "upload_voice",
        "upload_photo",
        "upload_document",
        "choose_sticker",
        "pick_up_location",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_NOT_CONTENT = frozenset(
    {
        "message_id",
        "from",
        "chat",
        "date",
        "edit_date",
        "reply_to_message",
        "message_thread_id",
        "is_topic_message",
        "forward_origin",
        "reply_markup",
        "sender_chat",
        "media_group_id",
        "link_preview_options",
    }
)
_SERVICE_FIELDS = frozenset(
    {
        "forum_topic_created",
        "forum_topic_closed",
        "forum_topic_reopened",
        "migrate_to_chat_id",
        "migrate_from_chat_id",
        "new_chat_members",
        "left_chat_member",
        "pinned_message",
        "group_chat_created",
        "supergroup_chat_created",
    }
)


@dataclass
class Described:
    """A result with the ``description`` field some methods add (setWebhook...)."""

    value: Any
    description: str


@dataclass
class _Send:
    chat: ChatState
    reply_to: StoredMessage | None
    topic: Topic | None
    markup: dict[str, Any] | None


def _strip_reply(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "reply_to_message"}


def _member(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember object for ``status``."""
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        rights = {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": True,
            "can_manage_video_chats": True,
            "can_restrict_members": True,
            "can_promote_members": False,
            "can_change_info": True,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
            "can_send_welcome_messages": False,
            "can_pin_messages": True,
            "can_manage_topics": True,
        }
        return {"status": "administrator", "user": user, **rights}
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    if status == "restricted":  # a member who may not send media, say
        rights = {
            name: name == "can_send_messages"
            for name in (
                "can_send_messages", "can_send_audios", "can_send_documents",
                "can_send_photos", "can_send_videos", "can_send_video_notes",
                "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
                "can_add_web_page_previews", "can_react_to_messages", "can_edit_tag",
                "can_change_info", "can_invite_users", "can_pin_messages", "can_manage_topics",
            )
        }  # fmt: skip
        return {"status": status, "user": user, "is_member": True, "until_date": 0, **rights}
    return {"status": status, "user": user}


class BotApiMethods:
    """Bot API method handlers (mixed into FakeTelegram)."""

    token: str
    bot_id: int
    bot_username: str
    bot_first_name: str
    webhook_url: str
    webhook: WebhookPusher
    users: dict[int, FakeUser]
    groups: dict[int, FakeGroup]
    limiter: RateLimiter
    descriptions: dict[str, str]
    short_descriptions: dict[str, str]
    menu_buttons: dict[int, dict[str, Any]]
    _commands: dict[tuple[tuple[str, ...], str], list[dict[str, str]]]
    _updates: list[dict[str, Any]]
    _allowed_updates: frozenset[str]
    _queries: dict[str, Any]
    _files: dict[str, dict[str, Any]]
    reactions: dict[tuple[int, int], list[str]]

    if TYPE_CHECKING:

        @property
        def bot_user(self) -> dict[str, Any]: ...

        def now(self) -> float: ...

        def _notify(self) -> None: ...

        async def _get_updates(self, params: dict[str, str]) -> list[dict[str, Any]]: ...

        def _set_allowed_updates(self, raw: str) -> None: ...

        def _abort_long_poll_for_webhook(self) -> None: ...

        def _new_photo(self, data: bytes | None = None) -> list[dict[str, Any]]: ...

        def _new_file_object(
            self, kind: str, file_name: str | None = None, data: bytes | None = None
        ) -> dict[str, Any]: ...

        def _register_upload(self, kind: str, data: bytes, file_name: str) -> dict[str, Any]: ...

        def _my_chat_member(
            self, chat: ChatState, user: FakeUser | None, old: str, new: str
        ) -> None: ...

        def _create_topic(
            self, group: FakeGroup, name: str, by: FakeUser | None, icon_color: int = ...
        ) -> int: ...

        def _user_lookup(self, user_id: int) -> dict[str, Any] | None: ...

    # --- shared steps ----------------------------------------------------------------------------

    def _chat(self, chat_id: str, access: str) -> ChatState:
        """BAS ``check_chat`` + ``check_chat_access`` (access: read, read_members, edit, write)."""
        if not chat_id:
            raise ApiError(400, "Bad Request: chat_id is empty")
        if chat_id.startswith("@"):
            raise ApiError(400, "Bad Request: chat not found")
        number = td_int(chat_id)
        user = self.users.get(number)
        if user is not None:
            if not (user.seen_by_bot or user.started):
                raise ApiError(400, "Bad Request: chat not found")
            return user
        group = self.groups.get(number)
        if group is None:
            raise ApiError(400, "Bad Request: chat not found")
        edit = access in ("write", "edit")
        strong = access in ("write", "read_members")
        if not group.supergroup:
            if group.migrated_to and strong:
                raise ApiError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": group.migrated_to},
                )
            if group.bot_status == "kicked" and (edit or strong):
                raise ApiError(403, "Forbidden: bot was kicked from the group chat")
            if group.bot_status == "left" and (edit or strong):
                raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        else:
            if group.bot_status == "kicked":
                raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
            if group.bot_status == "left":
                raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        return group

    def _message(self, chat: ChatState, message_id: int, what: str) -> StoredMessage:
        """BAS ``check_message``: the message or "<what> not found"."""
        stored = chat._live_message(message_id) if message_id > 0 else None
        if stored is None:
            raise ApiError.bad(f"{what} not found")
        return stored

    def _reply_target(
        self, chat: ChatState, chat_id: str, reply: ReplyParameters
    ) -> StoredMessage | None:
        if reply.message_id <= 0:
            return None
        target = chat
        if reply.chat_id and reply.chat_id != chat_id:
            target = self._chat(reply.chat_id, "read")
        stored = target._live_message(reply.message_id)
        if stored is None:
            if reply.allow_sending_without_reply:
                return None
            raise ApiError.bad("message to be replied not found")
        return stored

    def _topic(self, chat: ChatState, params: dict[str, str]) -> Topic | None:
        thread_id = message_id_arg(params, "message_thread_id")
        if thread_id <= 0:
            return None
        topic = chat._topics.get(thread_id) if isinstance(chat, FakeGroup) else None
        if topic is None:
            raise ApiError.bad("Message thread not found")
        return topic

    def _prepare_send(self, params: dict[str, str], *, markup: bool = True) -> _Send:
        """``do_send_message`` up to ``check_reply_parameters`` (chat, reply, thread)."""
        reply = parse_reply_parameters(params)
        parsed = parse_reply_markup(params.get("reply_markup", "")) if markup else None
        chat_id = params.get("chat_id", "")
        chat = self._chat(chat_id, "write")
        reply_to = self._reply_target(chat, chat_id, reply)
        topic = self._topic(chat, params)
        return _Send(chat, reply_to, topic, parsed)

    def _check_recipient(self, chat: ChatState) -> None:
        """Server-side: may the bot write to this private chat at all?"""
        if isinstance(chat, FakeUser):
            if chat.blocked:
                raise ApiError.forbidden("bot was blocked by the user")
            if not chat.started:
                raise ApiError.forbidden("bot can't initiate conversation with a user")

    def _rate_limit(self, chat: ChatState, count: int = 1) -> None:
        wait = self.limiter.check_messages(chat.chat_id, is_group=not chat.is_private, count=count)
        if wait is not None:
            raise ApiError.retry_after(wait)

    def _text_stage(self, params: dict[str, str]) -> tuple[str, str, list[dict[str, Any]]]:
        """BAS ``get_input_message_text``."""
        options = params.get("link_preview_options", "")
        if options:
            try:
                value = json.loads(options)
            except ValueError:
                raise ApiError.bad("Can't parse link preview options JSON object") from None
            if not isinstance(value, dict):
                raise ApiError.bad("Object expected as link preview options")
        raw = params.get("text", "")
        if not raw:
            raise ApiError.bad("Message text is empty")
        text, entities = parse_formatted(
            raw,
            params.get("parse_mode", ""),
            params.get("entities", ""),
            user_lookup=self._user_lookup,
        )
        return raw, text, entities

    def _caption_stage(self, params: dict[str, str]) -> tuple[str, str, list[dict[str, Any]]]:
        """BAS ``get_caption``."""
        raw = params.get("caption", "")
        text, entities = parse_formatted(
            raw,
            params.get("parse_mode", ""),
            params.get("caption_entities", ""),
            user_lookup=self._user_lookup,
        )
        return raw, text, entities

    def _commit(
        self,
        method: str,
        send: _Send,
        content: dict[str, Any],
        *,
        text: str | None,
        html: str | None,
        entities: list[dict[str, Any]],
        media: str | None = None,
        rate_limited: bool = True,
    ) -> StoredMessage:
        """The server's part of a send: markup, recipient, topic, flood control; then store."""
        markup = prepare_reply_markup(send.markup, private=send.chat.is_private)
        self._check_recipient(send.chat)
        if send.topic is not None and send.topic.closed:
            raise ApiError.bad("TOPIC_CLOSED")
        if rate_limited:
            self._rate_limit(send.chat)
        return self._store_bot_message(
            method,
            send,
            content,
            text=text,
            html=html,
            entities=entities,
            markup=markup,
            media=media,
        )

    def _store_bot_message(
        self,
        method: str,
        send: _Send,
        content: dict[str, Any],
        *,
        text: str | None,
        html: str | None,
        entities: list[dict[str, Any]],
        markup: dict[str, Any] | None,
        media: str | None,
    ) -> StoredMessage:
        chat = send.chat
        date = int(self.now())
        message_id = chat._take_message_id()
        payload: dict[str, Any] = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": chat.chat_object(),
            "date": date,
        }
        thread_id = send.topic.thread_id if send.topic else None
        if thread_id is not None:
            payload["message_thread_id"] = thread_id
            payload["is_topic_message"] = True
        if send.reply_to is not None:
            payload["reply_to_message"] = _strip_reply(send.reply_to.payload)
        elif thread_id is not None and chat._messages.get(thread_id) is not None:
            payload["reply_to_message"] = _strip_reply(chat._messages[thread_id].payload)
        payload.update(content)
        if markup and "inline_keyboard" in markup:
            payload["reply_markup"] = markup
        bot_message = BotMessage(
            message_id=message_id,
            chat_id=chat.chat_id,
            method=method,
            text=text,
            html=html,
            entities=entities,
            reply_markup=markup,
            thread_id=thread_id,
            media=media,
            date=date,
            raw=payload,
        )
        stored = StoredMessage(
            message_id, chat.chat_id, date, self.bot_id, payload, thread_id, bot_message
        )
        chat._messages[message_id] = stored
        chat._record_bot_message(bot_message)
        self._notify()
        return stored

    # --- basic ----------------------------------------------------------------------------------

    async def _m_get_me(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_true(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return True

    async def _m_get_updates(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return await self._get_updates(params)

    async def _m_set_webhook(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        url = params.get("url", "")
        drop = to_bool(params.get("drop_pending_updates", ""))
        if url:
            try:
                parsed = parse_url(url, "https")
            except ValueError:
                raise ApiError(400, "Bad Request: invalid webhook URL specified") from None
            secret = params.get("secret_token", "")
            if len(secret) > 256:
                raise ApiError(400, "Bad Request: secret token is too long")
            if not re.fullmatch(r"[A-Za-z0-9_-]*", secret):
                raise ApiError(400, "Bad Request: secret token contains unallowed characters")
            if parsed.protocol != "https":
                raise ApiError(
                    400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
                )
            if parsed.specified_port not in (0, 80, 88, 443, 8443):
                raise ApiError(
                    400,
                    "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 "
                    "or 8443",
                )
        if url == self.webhook_url and not drop:
            already = "Webhook is already set" if url else "Webhook is already deleted"
            return Described(True, already)
        if drop:
            self._updates.clear()
        if not url:
            was_set = bool(self.webhook_url)
            self.webhook_url = ""
            self.webhook.set("", "", 40)
            deleted = "Webhook was deleted" if was_set else "Webhook is already deleted"
            return Described(True, deleted)
        self._abort_long_poll_for_webhook()
        self.webhook_url = url
        self._set_allowed_updates(params.get("allowed_updates", ""))
        raw_max = params.get("max_connections", "")
        connections = min(max(int(raw_max), 1), 100) if raw_max.isdigit() else 40
        self.webhook.set(url, params.get("secret_token", ""), connections)
        return Described(True, "Webhook was set")

    async def _m_delete_webhook(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return await self._m_set_webhook({k: v for k, v in params.items() if k != "url"}, files)

    async def _m_get_webhook_info(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook_url:
            state = self.webhook.state
            info["max_connections"] = state.max_connections
            info["allowed_updates"] = sorted(self._allowed_updates)
            if state.last_error_date is not None:
                info["last_error_date"] = state.last_error_date
                info["last_error_message"] = state.last_error_message
        return info

    # --- sending --------------------------------------------------------------------------------

    async def _m_send_message(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        raw, text, entities = self._text_stage(params)
        send = self._prepare_send(params)
        formatted = finish_text(raw, text, entities)
        content: dict[str, Any] = {"text": formatted.text}
        if formatted.entities:
            content["entities"] = formatted.entities
        options = params.get("link_preview_options", "")
        if options:
            content["link_preview_options"] = json.loads(options)
        stored = self._commit(
            "sendMessage",
            send,
            content,
            text=formatted.text,
            html=raw,
            entities=formatted.entities,
        )
        return stored.payload

    def _input_file(
        self, params: dict[str, str], files: dict[str, Any], field: str, kind: str
    ) -> dict[str, Any] | list[dict[str, Any]] | None:
        """BAS ``get_input_file``: ``attach://name``, a file part, or a file_id / URL."""
        value = params.get(field, "")
        upload = None
        if value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
        elif value:
            known = self._files.get(value)
            if known is not None and known["kind"] == kind:
                return known["object"]
            return self._new_photo() if kind == "photo" else self._new_file_object(kind)
        else:
            upload = files.get(field)
        if upload is None:
            return None
        return self._register_upload(kind, upload.data, upload.filename)

    async def _send_media(
        self, method: str, params: dict[str, str], files: dict[str, Any], kind: str, what: str
    ) -> Any:
        media = self._input_file(params, files, kind, kind)
        if media is None:
            raise ApiError.bad(f"There is no {what} in the request")
        raw, text, entities = self._caption_stage(params) if kind != "sticker" else ("", "", [])
        send = self._prepare_send(params)
        caption = finish_caption(raw, text, entities)
        content: dict[str, Any] = {kind: media}
        if caption.text:
            content["caption"] = caption.text
            if caption.entities:
                content["caption_entities"] = caption.entities
        stored = self._commit(
            method,
            send,
            content,
            text=caption.text or None,
            html=raw or None,
            entities=caption.entities,
            media=kind,
        )
        return stored.payload

    async def _m_send_photo(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return await self._send_media("sendPhoto", params, files, "photo", "photo")

    async def _m_send_document(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return await self._send_media("sendDocument", params, files, "document", "document")

    async def _m_send_video(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return await self._send_media("sendVideo", params, files, "video", "video")

    async def _m_send_voice(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return await self._send_media("sendVoice", params, files, "voice", "voice")

    async def _m_send_audio(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return await self._send_media("sendAudio", params, files, "audio", "audio")

    async def _m_send_animation(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return await self._send_media("sendAnimation", params, files, "animation", "animation")

    async def _m_send_sticker(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        return await self._send_media("sendSticker", params, files, "sticker", "sticker")

    async def _m_send_dice(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        send = self._prepare_send(params)
        emoji = params.get("emoji", "") or "🎲"
        limit = 64 if emoji == "🎰" else 5 if emoji in ("🏀", "⚽") else 6
        content = {"dice": {"emoji": emoji, "value": random.randint(1, limit)}}
        stored = self._commit(
            "sendDice", send, content, text=None, html=None, entities=[], media="dice"
        )
        return stored.payload

    async def _m_send_location(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        location = read_location(params)
        send = self._prepare_send(params)
        check_location(location)
        stored = self._commit(
            "sendLocation",
            send,
            {"location": location},
            text=None,
            html=None,
            entities=[],
            media="location",
        )
        return stored.payload

    async def _m_send_venue(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        """A map pin with a title and an address (both required, like the server's)."""
        location = read_location(params)
        venue: dict[str, Any] = {
            "location": location,
            "title": required(params, "title"),
            "address": required(params, "address"),
        }
        send = self._prepare_send(params)
        check_location(location)
        stored = self._commit(
            "sendVenue",
            send,
            {"venue": venue, "location": location},
            text=None,
            html=None,
            entities=[],
            media="venue",
        )
        return stored.payload

    async def _m_send_contact(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        contact = {
            "phone_number": required(params, "phone_number"),
            "first_name": required(params, "first_name"),
        }
        for name in ("last_name", "vcard"):
            if params.get(name):
                contact[name] = params[name]
        send = self._prepare_send(params)
        stored = self._commit(
            "sendContact",
            send,
            {"contact": contact},
            text=None,
            html=None,
            entities=[],
            media="contact",
        )
        return stored.payload

    async def _m_send_chat_action(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        if params.get("action", "").lower() not in _CHAT_ACTIONS:
            raise ApiError.bad("Wrong parameter action in request")
        chat = self._chat(params.get("chat_id", ""), "write")
        self._check_recipient(chat)
        return True

    async def _m_send_media_group(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        reply = parse_reply_parameters(params)
        raw_media = required(params, "media")
        try:
            items = json.loads(raw_media)
        except ValueError:
            raise ApiError.bad("Can't parse media JSON object") from None
        if not isinstance(items, list):
            raise ApiError.bad("Expected an Array of InputMedia")
        parsed: list[tuple[str, Any, tuple[str, str, list[dict[str, Any]]]]] = []
        for item in items:
            prefix = "Can't parse InputMedia: "
            if not isinstance(item, dict):
                raise ApiError.bad(prefix + "expected an Object")
            caption = parse_formatted(
                str(item.get("caption", "")),
                str(item.get("parse_mode", "")),
                json.dumps(item["caption_entities"]) if "caption_entities" in item else "",
            )
            kind = item.get("type")
            if not isinstance(kind, str):
                raise ApiError.bad(prefix + 'Can\'t find field "type"')
            if kind == "animation":
                raise ApiError.bad(prefix + 'type "animation" can\'t be used in sendMediaGroup')
            if kind not in ("photo", "video", "audio", "document"):
                raise ApiError.bad(prefix + f'type "{kind}" is unsupported')
            media = self._input_file({"media": str(item.get("media", ""))}, files, "media", kind)
            if media is None:
                raise ApiError.bad(prefix + "media not found")
            parsed.append((kind, media, (str(item.get("caption", "")), *caption)))
        chat_id = params.get("chat_id", "")
        chat = self._chat(chat_id, "write")
        reply_to = self._reply_target(chat, chat_id, reply)
        topic = self._topic(chat, params)
        if len(parsed) > 10:
            raise ApiError.bad("Too many messages to send as an album")
        if not parsed:
            raise ApiError.bad("There are no messages to send")
        captions = [finish_caption(*caption) for _, _, caption in parsed]
        self._check_recipient(chat)
        if topic is not None and topic.closed:
            raise ApiError.bad("TOPIC_CLOSED")
        self._rate_limit(chat, len(parsed))
        group_id = str(random.randint(10**17, 10**18))
        send = _Send(chat, reply_to, topic, None)
        result = []
        for (kind, media, (raw, _, _)), finished in zip(parsed, captions, strict=True):
            content: dict[str, Any] = {kind: media, "media_group_id": group_id}
            if finished.text:
                content["caption"] = finished.text
                if finished.entities:
                    content["caption_entities"] = finished.entities
            stored = self._store_bot_message(
                "sendMediaGroup",
                send,
                content,
                text=finished.text or None,
                html=raw or None,
                entities=finished.entities,
                markup=None,
                media=kind,
            )
            result.append(stored.payload)
        return result

    def _content_of(self, source: StoredMessage, what: str) -> dict[str, Any]:
        if _SERVICE_FIELDS & source.payload.keys():
            raise ApiError.bad(f"{what} can't be copied")
        return {k: v for k, v in source.payload.items() if k not in _NOT_CONTENT}

    async def _m_copy_message(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        from_chat_id = required(params, "from_chat_id")
        message_id = message_id_arg(params)
        replace_caption = "caption" in params
        caption_stage = self._caption_stage(params) if replace_caption else None
        source = self._message(self._chat(from_chat_id, "read"), message_id, "message to copy")
        send = self._prepare_send(params)
        content = self._content_of(source, "Message")
        text = content.get("text") or content.get("caption")
        entities = content.get("entities") or content.get("caption_entities") or []
        if caption_stage is not None and "text" not in content:
            caption = finish_caption(*caption_stage)
            content.pop("caption", None)
            content.pop("caption_entities", None)
            if caption.text:
                content["caption"] = caption.text
                if caption.entities:
                    content["caption_entities"] = caption.entities
            text, entities = caption.text or None, caption.entities
        media = next(
            (k for k in content if k not in ("text", "entities", "caption", "caption_entities")),
            None,
        )
        stored = self._commit(
            "copyMessage",
            send,
            content,
            text=text,
            html=text,
            entities=entities,
            media=media,
        )
        return {"message_id": stored.message_id}

    async def _m_forward_message(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        from_chat_id = required(params, "from_chat_id")
        message_id = message_id_arg(params)
        source = self._message(self._chat(from_chat_id, "read"), message_id, "message to forward")
        send = self._prepare_send(params, markup=False)
        content = self._content_of(source, "Message")
        origin = source.payload.get("forward_origin") or {
            "type": "user",
            "sender_user": source.payload["from"],
            "date": source.date,
        }
        content["forward_origin"] = origin
        text = content.get("text") or content.get("caption")
        entities = content.get("entities") or content.get("caption_entities") or []
        media = next(
            (
                k
                for k in content
                if k not in ("text", "entities", "caption", "caption_entities", "forward_origin")
            ),
            None,
        )
        stored = self._commit(
            "forwardMessage",
            send,
            content,
            text=text,
            html=text,
            entities=entities,
            media=media,
        )
        return stored.payload

    # --- editing --------------------------------------------------------------------------------

    def _edit_target(self, params: dict[str, str]) -> tuple[ChatState, StoredMessage]:
        chat_id = params.get("chat_id", "")
        message_id = message_id_arg(params)
        if not chat_id and message_id == 0:
            if not params.get("inline_message_id"):
                raise ApiError.bad("Message identifier is not specified")
            raise ApiError.bad("MESSAGE_ID_INVALID")
        chat = self._chat(chat_id, "edit")
        stored = self._message(chat, message_id, "message to edit")
        if stored.sender_id != self.bot_id or stored.bot_message is None:
            raise ApiError.bad("Message can't be edited")
        return chat, stored

    def _edit_markup(self, params: dict[str, str], chat: ChatState) -> dict[str, Any] | None:
        markup = parse_reply_markup(params.get("reply_markup", ""))
        if markup is not None and "inline_keyboard" not in markup:
            raise ApiError.bad("Inline keyboard expected")
        return prepare_reply_markup(markup, private=chat.is_private)

    def _apply_edit(
        self,
        stored: StoredMessage,
        fields: dict[str, Any],
        markup: dict[str, Any] | None,
        formatted: FormattedText | None,
    ) -> dict[str, Any]:
        payload = stored.payload
        unchanged = (
            all(payload.get(k) == v for k, v in fields.items())
            and payload.get("reply_markup") == markup
        )
        if unchanged:
            raise ApiError.bad("MESSAGE_NOT_MODIFIED")
        for key, value in fields.items():
            if value is None:
                payload.pop(key, None)
            else:
                payload[key] = value
        if markup is None:
            payload.pop("reply_markup", None)
        else:
            payload["reply_markup"] = markup
        payload["edit_date"] = int(self.now())
        message = stored.bot_message
        assert message is not None
        if formatted is not None:
            message.edits.append(formatted.text)
            message.text = formatted.text or None
            message.html = formatted.raw or None
            message.entities = formatted.entities
        message.reply_markup = markup
        self._notify()
        return payload

    async def _m_edit_message_text(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        raw, text, entities = self._text_stage(params)
        parse_reply_markup(params.get("reply_markup", ""))
        chat, stored = self._edit_target(params)
        if "text" not in stored.payload:
            raise ApiError.bad("There is no text in the message to edit")
        formatted = finish_text(raw, text, entities)
        markup = self._edit_markup(params, chat)
        fields = {"text": formatted.text, "entities": formatted.entities or None}
        return self._apply_edit(stored, fields, markup, formatted)

    async def _m_edit_message_caption(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        parse_reply_markup(params.get("reply_markup", ""))
        raw, text, entities = self._caption_stage(params)
        chat, stored = self._edit_target(params)
        message = stored.bot_message
        if message is None or message.media not in (
            "photo",
            "video",
            "document",
            "audio",
            "voice",
            "animation",
        ):
            raise ApiError.bad("There is no caption in the message to edit")
        caption = finish_caption(raw, text, entities)
        markup = self._edit_markup(params, chat)
        fields = {"caption": caption.text or None, "caption_entities": caption.entities or None}
        return self._apply_edit(stored, fields, markup, caption)

    async def _m_edit_message_reply_markup(
        self, params: dict[str, str], files: dict[str, Any]
    ) -> Any:
        parse_reply_markup(params.get("reply_markup", ""))
        chat, stored = self._edit_target(params)
        markup = self._edit_markup(params, chat)
        return self._apply_edit(stored, {}, markup, None)

    async def _m_delete_message(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id", "")
        message_id = message_id_arg(params)
        if not chat_id:
            raise ApiError.bad("Chat identifier is not specified")
        if message_id == 0:
            raise ApiError.bad("Message identifier is not specified")
        chat = self._chat(chat_id, "write")
        stored = self._message(chat, message_id, "message to delete")
        admin = isinstance(chat, FakeGroup) and chat.bot_is_admin
        if isinstance(chat, FakeGroup) and stored.sender_id != self.bot_id and not admin:
            raise ApiError.bad("Message can't be deleted")
        too_old = self.now() - stored.date > DELETE_WINDOW
        if too_old and not (admin and isinstance(chat, FakeGroup) and chat.supergroup):
            raise ApiError.bad("Message can't be deleted")
        stored.deleted = True
        if stored.bot_message is not None:
            stored.bot_message.deleted = True
        self._notify()
        return True

    # --- callback queries -----------------------------------------------------------------------

    async def _m_answer_callback_query(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        query = self._queries.get(str(td_int(params.get("callback_query_id", ""))))
        if (
            query is None
            or query.answer is not None
            or self.now() - query.created > CALLBACK_QUERY_LIFETIME
        ):
            raise ApiError.bad("QUERY_ID_INVALID")
        text = params.get("text", "")
        if len(text) > 200:
            raise ApiError.bad("MESSAGE_TOO_LONG")
        query.answer = {
            "text": text or None,
            "show_alert": to_bool(params.get("show_alert", "")),
            "url": params.get("url") or None,
            "cache_time": max(td_int(params.get("cache_time", "")), 0),
        }
        self._notify()
        return True

    # --- commands and descriptions --------------------------------------------------------------

    def _command_scope(self, params: dict[str, str]) -> tuple[str, ...]:
        scope = parse_scope(params.get("scope", ""))
        if len(scope) > 1:
            self._chat(scope[1], "read_members")
        return scope

    async def _m_set_my_commands(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        raw_commands = read_commands(params.get("commands", ""))
        scope = self._command_scope(params)
        language = params.get("language_code", "")
        check_language_code(language)
        commands = check_commands(raw_commands)
        if commands:
            self._commands[(scope, language)] = commands
        else:
            self._commands.pop((scope, language), None)
        return True

    async def _m_get_my_commands(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        scope = self._command_scope(params)
        language = params.get("language_code", "")
        check_language_code(language)
        return [dict(c) for c in self._commands.get((scope, language), [])]

    async def _m_delete_my_commands(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        scope = self._command_scope(params)
        language = params.get("language_code", "")
        check_language_code(language)
        self._commands.pop((scope, language), None)
        return True

    async def _m_set_my_description(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        language = params.get("language_code", "")
        check_language_code(language)
        text = params.get("description", "")
        if text:
            self.descriptions[language] = text
        else:
            self.descriptions.pop(language, None)
        return True

    async def _m_get_my_description(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        language = params.get("language_code", "")
        check_language_code(language)
        return {"description": self.descriptions.get(language, "")}

    async def _m_set_my_short_description(
        self, params: dict[str, str], files: dict[str, Any]
    ) -> Any:
        language = params.get("language_code", "")
        check_language_code(language)
        text = params.get("short_description", "")
        if text:
            self.short_descriptions[language] = text
        else:
            self.short_descriptions.pop(language, None)
        return True

    def _menu_chat(self, params: dict[str, str]) -> int:
        """The private chat a menu button is for (0: the default for all); a group has none."""
        chat_id = params.get("chat_id", "")
        if not chat_id:
            return 0
        chat = self._chat(chat_id, "read")
        if not chat.is_private:
            raise ApiError.bad("chat not found")  # a menu button belongs to a private chat
        return chat.chat_id

    async def _m_set_chat_menu_button(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        chat = self._menu_chat(params)
        raw = params.get("menu_button", "")
        if not raw:
            self.menu_buttons.pop(chat, None)
            return True
        try:
            button = json.loads(raw)
        except ValueError:
            raise ApiError.bad("can't parse menu button JSON object") from None
        kind = button.get("type") if isinstance(button, dict) else None
        if kind not in ("commands", "web_app", "default"):
            raise ApiError.bad("unsupported menu button type")
        if kind == "web_app":
            web_app = button.get("web_app")
            url = web_app.get("url") if isinstance(web_app, dict) else None
            if not button.get("text") or not isinstance(url, str):
                raise ApiError.bad("text and web_app are required for a web_app menu button")
            if not url.lower().startswith("https://"):
                raise ApiError.bad("Web App URL must be an HTTPS link")
        self.menu_buttons[chat] = button
        return True

    async def _m_get_chat_menu_button(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        chat = self._menu_chat(params)
        return self.menu_buttons.get(chat) or self.menu_buttons.get(0) or {"type": "default"}

    async def _m_get_my_short_description(
        self, params: dict[str, str], files: dict[str, Any]
    ) -> Any:
        language = params.get("language_code", "")
        check_language_code(language)
        return {"short_description": self.short_descriptions.get(language, "")}

    # --- chats ----------------------------------------------------------------------------------

    async def _m_get_chat(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id", ""), "read")
        info = {
            **chat.chat_object(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }
        if isinstance(chat, FakeGroup) and chat.migrated_to:
            info["migrate_to_chat_id"] = chat.migrated_to
        return info

    def _status_in(self, group: FakeGroup, user_id: int) -> str:
        if user_id == self.bot_id:
            return group.bot_status
        if user_id == group.owner_id:
            return "creator"
        if user_id in group.admins:
            return "administrator"
        return "member" if user_id in group.members else "left"

    async def _m_get_chat_member(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        user_id = max(td_int(params.get("user_id", "")), 0)
        if user_id == 0:
            raise ApiError.bad("Invalid user_id specified")
        access = "read" if user_id == self.bot_id else "read_members"
        chat = self._chat(params.get("chat_id", ""), access)
        if user_id == self.bot_id:
            user = self.bot_user
        elif user_id in self.users:
            user = self.users[user_id].user_object()
        else:
            raise ApiError.bad("user not found")
        if isinstance(chat, FakeUser):
            return _member(user, "member" if user_id in (chat.id, self.bot_id) else "left")
        assert isinstance(chat, FakeGroup)
        return _member(user, self._status_in(chat, user_id))

    async def _m_get_chat_administrators(
        self, params: dict[str, str], files: dict[str, Any]
    ) -> Any:
        chat = self._chat(params.get("chat_id", ""), "read_members")
        if isinstance(chat, FakeUser):
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        assert isinstance(chat, FakeGroup)
        admins = [
            _member(self.users[uid].user_object(), self._status_in(chat, uid))
            for uid in sorted(chat.admins)
            if uid in self.users
        ]
        if chat.bot_is_admin:
            admins.append(_member(self.bot_user, "administrator"))
        return admins

    async def _m_get_chat_member_count(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id", ""), "read_members")
        if isinstance(chat, FakeUser):
            return 2
        assert isinstance(chat, FakeGroup)
        return len(chat.members) + (1 if chat.bot_status in ("member", "administrator") else 0)

    async def _m_leave_chat(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id", ""), "read")
        if isinstance(chat, FakeGroup):
            old = chat.bot_status
            chat.bot_status = "left"
            self._my_chat_member(chat, None, old, "left")
        return True

    # --- forum topics ---------------------------------------------------------------------------

    def _forum(self, params: dict[str, str]) -> FakeGroup:
        chat = self._chat(params.get("chat_id", ""), "write")
        if not isinstance(chat, FakeGroup) or not chat.forum:
            raise ApiError.bad("The chat is not a forum")
        return chat

    async def _m_create_forum_topic(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        group = self._forum(params)
        if not group.bot_is_admin:
            raise ApiError.bad("Not enough rights to create a topic")
        # TDLib clean_name: control characters out, trimmed, cut to 128 characters.
        name = re.sub(r"[\x00-\x1f]", " ", params.get("name", "")).strip()[:128].strip()
        if not name:
            raise ApiError.bad("Title must be non-empty")
        color = td_int(params.get("icon_color", "")) or DEFAULT_TOPIC_COLOR
        if not 0 <= color <= 0xFFFFFF:
            raise ApiError.bad("Invalid icon color specified")
        wait = self.limiter.check_topic(group.chat_id)
        if wait is not None:
            raise ApiError.retry_after(wait)
        thread_id = self._create_topic(group, name, None, color)
        return {"message_thread_id": thread_id, "name": name, "icon_color": color}

    def _topic_for_toggle(self, params: dict[str, str]) -> Topic:
        group = self._forum(params)
        topic = group._topics.get(message_id_arg(params, "message_thread_id"))
        if topic is None:
            raise ApiError.bad("TOPIC_ID_INVALID")
        if not group.bot_is_admin and not topic.created_by_bot:
            raise ApiError.bad("CHAT_ADMIN_REQUIRED")
        return topic

    async def _m_close_forum_topic(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        topic = self._topic_for_toggle(params)
        if topic.closed:
            raise ApiError.bad("TOPIC_NOT_MODIFIED")
        topic.closed = True
        return True

    async def _m_reopen_forum_topic(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        topic = self._topic_for_toggle(params)
        if not topic.closed:
            raise ApiError.bad("TOPIC_NOT_MODIFIED")
        topic.closed = False
        return True

    # --- pins and files -------------------------------------------------------------------------

    async def _m_pin_chat_message(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id", ""), "write")
        self._message(chat, message_id_arg(params), "message to pin")
        if isinstance(chat, FakeGroup) and not chat.bot_is_admin:
            raise ApiError.bad("Not enough rights to manage pinned messages in the chat")
        return True

    async def _m_unpin_chat_message(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id", ""), "write")
        if message_id_arg(params):
            self._message(chat, message_id_arg(params), "message to unpin")
        if isinstance(chat, FakeGroup) and not chat.bot_is_admin:
            raise ApiError.bad("Not enough rights to manage pinned messages in the chat")
        return True

    async def _m_set_message_reaction(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        """Reactions: only Telegram's own set of emoji (anything else: REACTION_INVALID).
        The "message to react not found" wording follows BAS's check_message pattern."""
        chat = self._chat(params.get("chat_id", ""), "read")
        stored = self._message(chat, message_id_arg(params), "message to react")
        raw = params.get("reaction", "")
        try:
            reaction = json.loads(raw) if raw else []
        except ValueError:
            raise ApiError.bad("can't parse reaction types JSON object") from None
        if not isinstance(reaction, list):
            raise ApiError.bad('Field "reaction" must be an Array')
        emojis: list[str] = []
        for item in reaction:
            if not isinstance(item, dict) or item.get("type") != "emoji":
                raise ApiError.bad("REACTION_INVALID")
            if item.get("emoji") not in REACTION_EMOJI:
                raise ApiError.bad("REACTION_INVALID")
            emojis.append(str(item["emoji"]))
        if len(emojis) > 1:
            raise ApiError.bad("REACTIONS_TOO_MANY")
        self.reactions[(chat.chat_id, stored.message_id)] = emojis
        return True

    async def _m_get_file(self, params: dict[str, str], files: dict[str, Any]) -> Any:
        file_id = params.get("file_id", "")
        if not file_id:
            raise ApiError(400, "Bad Request: file_id not specified")
        known = self._files.get(file_id)
        if known is None:
            raise ApiError.bad("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": known["file_unique_id"],
            "file_size": known["file_size"],
            "file_path": known["file_path"],
        }
