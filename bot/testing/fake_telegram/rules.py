"""Parameter parsing and validation rules of the Bot API (telegram-bot-api + TDLib + server).

Every error is raised as :class:`ApiError` worded exactly as the real server does; the source
of each text is named next to it (BAS = telegram-bot-api ``Client.cpp``).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from .errors import ApiError
from .html_parser import (
    EmptyTextError,
    HtmlParseError,
    find_entities,
    fix_text,
    parse_html,
    utf16_len,
)
from .links import check_link, describe_invalid_link, get_link_user_id

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_RAW_TEXT_BYTES = 1 << 15
MAX_CALLBACK_DATA_BYTES = 64
MAX_MARKUP_BUTTONS = 100
MAX_MARKUP_BYTES = 10 * 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100
MAX_TOPIC_NAME_LENGTH = 128


# --- scalar arguments, as BAS reads them ------------------------------------------------------


def td_int(text: str) -> int:
    """``td::to_integer``: an optional ``-`` and the leading digits; anything else is 0."""
    match = re.match(r"-?\d+", text)
    return int(match.group(0)) if match else 0


def to_bool(text: str) -> bool:
    """``Client::to_bool``."""
    return text.strip().lower() in ("true", "yes", "1")


def td_double(text: str) -> float:
    """``td::to_double`` (a lenient float parse: garbage is 0)."""
    match = re.match(r"\s*[-+]?(?:inf(?:inity)?|nan|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)", text, re.I)
    if not match:
        return 0.0
    return float(match.group(0))


def required(params: dict[str, str], name: str) -> str:
    """``get_required_string_arg``."""
    value = params.get(name, "")
    if not value:
        raise ApiError.bad(f'Parameter "{name}" is required')
    return value


def message_id_arg(params: dict[str, str], name: str = "message_id") -> int:
    """``get_message_id``: negative or missing ids are 0."""
    return max(td_int(params.get(name, "")), 0)


# --- text --------------------------------------------------------------------------------------


@dataclass
class FormattedText:
    """Text (or caption) after parse mode and TDLib's clean-up."""

    raw: str
    text: str
    entities: list[dict[str, Any]]


def parse_formatted(
    raw: str,
    parse_mode: str,
    entities_json: str,
    *,
    user_lookup: Any = None,
) -> tuple[str, list[dict[str, Any]]]:
    """BAS ``get_formatted_text``: raw byte limit, parse mode, explicit entities."""
    if len(raw.encode("utf-8")) > MAX_RAW_TEXT_BYTES:
        raise ApiError.bad("Text is too long")
    mode = parse_mode.lower()
    if raw and mode and mode != "none":
        if mode == "html":
            try:
                return parse_html(raw, user_lookup)
            except HtmlParseError as error:
                raise ApiError.bad(f"Can't parse entities: {error}") from None
        if mode in ("markdown", "markdownv2"):
            # The fake implements only HTML; refusing loudly beats guessing the entities.
            raise ApiError.bad(f"(fake telegram) parse_mode {parse_mode!r} is not implemented")
        raise ApiError.bad("Unsupported parse_mode")
    entities: list[dict[str, Any]] = []
    if entities_json:
        try:
            value = json.loads(entities_json)
        except ValueError:
            value = None
        if isinstance(value, list):
            for item in value:
                if not isinstance(item, dict):
                    raise ApiError.bad("Can't parse MessageEntity: expected an Object")
                if not isinstance(item.get("type"), str):
                    raise ApiError.bad("Can't parse MessageEntity: Can't find field \"type\"")
                entities.append(dict(item))
    return raw, entities


def finish_text(raw: str, text: str, entities: list[dict[str, Any]]) -> FormattedText:
    """TDLib's checks for a message text: clean-up, non-empty, at most 4096 characters.

    The limit counts Unicode code points, not UTF-16 units: TDLib MessageContent.cpp
    compares ``utf8_length(text)`` with the ``message_text_length_max`` option (4096).
    """
    try:
        fixed, fixed_entities = fix_text(text, entities, allow_empty=False)
    except EmptyTextError:
        raise ApiError.bad("Text must be non-empty") from None
    if len(fixed) > MAX_TEXT_LENGTH:
        raise ApiError.bad("Message is too long")
    return FormattedText(raw, fixed, find_entities(fixed, fixed_entities))


def finish_caption(raw: str, text: str, entities: list[dict[str, Any]]) -> FormattedText:
    """TDLib's checks for a caption: may be empty, at most 1024 code points."""
    fixed, fixed_entities = fix_text(text, entities, allow_empty=True)
    if len(fixed) > MAX_CAPTION_LENGTH:
        raise ApiError.bad("Message caption is too long")
    return FormattedText(raw, fixed, find_entities(fixed, fixed_entities) if fixed else [])


# --- reply markup ------------------------------------------------------------------------------


def _json_field_type(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "Number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    return "Null"


def _optional_array(obj: dict[str, Any], name: str) -> list[Any] | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError(f'Field "{name}" must be of type Array')
    return value


def _required_string(obj: dict[str, Any], name: str) -> str:
    if name not in obj:
        raise ValueError(f'Can\'t find field "{name}"')
    value = obj[name]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f'Field "{name}" must be of type String')
    return value if isinstance(value, str) else json.dumps(value)


def _optional_string(obj: dict[str, Any], name: str) -> str:
    if obj.get(name) is None:
        return ""
    return _required_string(obj, name)


def _inline_button_kind(button: Any) -> str:
    """BAS ``get_inline_keyboard_button``: which kind of button this is."""
    if not isinstance(button, dict):
        raise ValueError("InlineKeyboardButton must be an Object")
    _required_string(button, "text")
    if _optional_string(button, "url"):
        return "url"
    if _optional_string(button, "callback_data"):
        return "callback_data"
    for kind in (
        "callback_game",
        "pay",
        "switch_inline_query",
        "switch_inline_query_chosen_chat",
        "switch_inline_query_current_chat",
        "login_url",
        "web_app",
        "copy_text",
    ):
        if kind in button:
            return kind
    raise ValueError("Text buttons are unallowed in the inline keyboard")


def parse_reply_markup(raw: str) -> dict[str, Any] | None:
    """BAS ``get_reply_markup``: JSON and structure; ``None`` when nothing is attached."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise ApiError.bad("Can't parse reply keyboard markup JSON object") from None
    if not isinstance(value, dict):
        raise ApiError.bad("Object expected as reply markup")
    try:
        keyboard = _optional_array(value, "keyboard")
    except ValueError as error:
        raise ApiError.bad(str(error)) from None
    rows = 0
    for row in keyboard or []:
        if not isinstance(row, list):
            raise ApiError.bad('Field "keyboard" must be an Array of Arrays')
        for button in row:
            if isinstance(button, dict):
                try:
                    _required_string(button, "text")
                except ValueError as error:
                    raise ApiError.bad(f"Can't parse keyboard button: {error}") from None
            elif not isinstance(button, str):
                raise ApiError.bad(
                    "Can't parse keyboard button: KeyboardButton must be a String or an Object"
                )
        rows += 1
    try:
        inline = _optional_array(value, "inline_keyboard")
    except ValueError as error:
        raise ApiError.bad(str(error)) from None
    inline_rows = 0
    for row in inline or []:
        if not isinstance(row, list):
            raise ApiError.bad(
                'Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for button in row:
            try:
                _inline_button_kind(button)
            except ValueError as error:
                raise ApiError.bad(f"Can't parse inline keyboard button: {error}") from None
        inline_rows += 1
    if rows:
        return {k: v for k, v in value.items() if k != "inline_keyboard"}
    if inline_rows:
        return {"inline_keyboard": value["inline_keyboard"]}
    if to_bool(str(value.get("remove_keyboard", value.get("hide_keyboard", ""))).lower()):
        return {"remove_keyboard": True, **({"selective": True} if value.get("selective") else {})}
    if to_bool(str(value.get("force_reply", "")).lower()):
        kept = ("force_reply", "selective", "input_field_placeholder")
        return {k: v for k, v in value.items() if k in kept}
    return None


def _button_text(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))


def prepare_reply_markup(markup: dict[str, Any] | None, *, private: bool) -> dict[str, Any] | None:
    """TDLib ``get_reply_markup`` + server checks; returns the markup as Telegram stores it.

    TDLib drops buttons with empty text, keeps at most 12 buttons a row and 300 in all, checks
    URL buttons (``LinkManager::check_link``) and refuses request buttons outside private
    chats.  The server refuses callback_data over 64 bytes (BUTTON_DATA_INVALID) and markups
    over ~100 buttons / ~10 KB (REPLY_MARKUP_TOO_LONG).
    """
    if markup is None:
        return None
    if "keyboard" in markup:
        rows: list[list[Any]] = []
        total = 0
        for row in markup["keyboard"]:
            kept: list[Any] = []
            for button in row:
                if not _button_text(button):
                    continue
                if isinstance(button, dict) and not private:
                    for field, what in (
                        ("request_contact", "Phone number"),
                        ("request_location", "Location"),
                        ("request_poll", "Poll"),
                    ):
                        if button.get(field):
                            raise ApiError.bad(f"{what} can be requested in private chats only")
                kept.append(button)
                total += 1
                if len(kept) >= 12 or total >= 300:
                    break
            if kept:
                rows.append(kept)
            if total >= 300:
                break
        if not rows:
            return None
        result = dict(markup)
        result["keyboard"] = rows
        _check_markup_size(result, total)
        return result
    if "inline_keyboard" in markup:
        inline_rows: list[list[dict[str, Any]]] = []
        total = 0
        for row in markup["inline_keyboard"]:
            kept_inline: list[dict[str, Any]] = []
            for button in row:
                if not _button_text(button):
                    continue
                kept_inline.append(_prepare_inline_button(button, private=private))
                total += 1
                if len(kept_inline) >= 12 or total >= 300:
                    break
            if kept_inline:
                inline_rows.append(kept_inline)
            if total >= 300:
                break
        if not inline_rows:
            return None
        result = {"inline_keyboard": inline_rows}
        _check_markup_size(result, total)
        return result
    return markup


def _prepare_inline_button(button: dict[str, Any], *, private: bool = True) -> dict[str, Any]:
    kind = _inline_button_kind(button)
    text = str(button["text"])
    if kind == "web_app" and not private:
        # a Mini App opens from a private chat only; groups get a t.me/<bot>/<app> URL button
        raise ApiError.bad("BUTTON_TYPE_INVALID")
    if kind == "url":
        url = str(button["url"])
        if get_link_user_id(url):
            return {"text": text, "url": url}
        try:
            checked = check_link(url)
        except ValueError as error:
            raise ApiError.bad(
                f"Inline keyboard button {describe_invalid_link(url, str(error))}"
            ) from None
        if not re.match(r"(?i)(https?://|tg:|ton:|tonsite:)", url) and re.match(
            r"[A-Za-z][A-Za-z0-9+.-]*:", url
        ):
            # TDLib accepted it as http://scheme:x@host/, the server does not.
            raise ApiError.bad("BUTTON_URL_INVALID")
        return {"text": text, "url": checked}
    if kind == "callback_data":
        data = _required_string(button, "callback_data")
        if len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
            raise ApiError.bad("BUTTON_DATA_INVALID")
        return {"text": text, "callback_data": data}
    return {"text": text, kind: button[kind]}


def _check_markup_size(markup: dict[str, Any], buttons: int) -> None:
    size = len(json.dumps(markup, ensure_ascii=False).encode("utf-8"))
    if buttons > MAX_MARKUP_BUTTONS or size > MAX_MARKUP_BYTES:
        raise ApiError.bad("REPLY_MARKUP_TOO_LONG")


def inline_buttons(markup: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Flat list of the inline buttons of a markup."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]


# --- reply parameters --------------------------------------------------------------------------


@dataclass
class ReplyParameters:
    """What the bot asked to reply to."""

    message_id: int = 0
    chat_id: str = ""
    allow_sending_without_reply: bool = False


def parse_reply_parameters(params: dict[str, str]) -> ReplyParameters:
    """BAS ``get_reply_parameters`` (``reply_parameters`` JSON or the legacy fields)."""
    if "reply_parameters" not in params:
        return ReplyParameters(
            message_id_arg(params, "reply_to_message_id"),
            "",
            to_bool(params.get("allow_sending_without_reply", "")),
        )
    raw = params["reply_parameters"]
    if not raw:
        return ReplyParameters()
    try:
        value = json.loads(raw)
    except ValueError:
        raise ApiError.bad("Can't parse reply parameters JSON object") from None
    if not isinstance(value, dict):
        raise ApiError.bad("Object expected as reply parameters")
    if not value:
        return ReplyParameters()
    if "message_id" not in value:
        raise ApiError.bad('Can\'t find field "message_id"')
    if not isinstance(value["message_id"], int | str) or isinstance(value["message_id"], bool):
        raise ApiError.bad('Field "message_id" must be a valid Number')
    chat_id = value.get("chat_id")
    return ReplyParameters(
        max(td_int(str(value["message_id"])), 0),
        "" if chat_id is None else str(chat_id),
        bool(value.get("allow_sending_without_reply")),
    )


# --- commands ----------------------------------------------------------------------------------

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def parse_scope(raw: str) -> tuple[str, ...]:
    """BAS ``get_bot_command_scope``: a hashable key such as ``("chat", "-100")``."""
    if not raw:
        return ("default",)
    try:
        value = json.loads(raw)
    except ValueError:
        raise ApiError.bad("Can't parse BotCommandScope JSON object") from None
    return scope_key(value)


def scope_key(value: Any) -> tuple[str, ...]:
    """Canonical key of a BotCommandScope object."""
    prefix = "Can't parse BotCommandScope: "
    if not isinstance(value, dict):
        raise ApiError.bad(prefix + "BotCommandScope must be an Object")
    kind = value.get("type")
    if not isinstance(kind, str):
        raise ApiError.bad(prefix + 'Can\'t find field "type"')
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return (kind,)
    if kind not in ("chat", "chat_administrators", "chat_member"):
        raise ApiError.bad(prefix + "Unsupported type specified")
    chat_id = value.get("chat_id")
    if chat_id is None:
        raise ApiError.bad(prefix + 'Can\'t find field "chat_id"')
    if str(chat_id) == "":
        raise ApiError.bad(prefix + "Empty chat_id specified")
    chat_key = str(int(chat_id)) if re.fullmatch(r"-?\d+", str(chat_id)) else str(chat_id)
    if kind != "chat_member":
        return (kind, chat_key)
    user_id = value.get("user_id")
    if user_id is None:
        raise ApiError.bad(prefix + 'Can\'t find field "user_id"')
    if td_int(str(user_id)) <= 0:
        raise ApiError.bad(prefix + "Invalid user_id specified")
    return (kind, chat_key, str(td_int(str(user_id))))


def check_language_code(code: str) -> None:
    """TDLib ``validate_bot_language_code``: empty or two lower-case Latin letters."""
    if code and not re.fullmatch(r"[a-z]{2}", code):
        raise ApiError.bad("Invalid language code specified")


def read_commands(raw: str) -> list[tuple[str, str]]:
    """BAS ``get_bot_commands``: the JSON array of BotCommand objects."""
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        raise ApiError.bad("Can't parse commands JSON object") from None
    if not isinstance(value, list):
        raise ApiError.bad("Expected an Array of BotCommand")
    commands: list[tuple[str, str]] = []
    for item in value:
        if not isinstance(item, dict):
            raise ApiError.bad("Can't parse BotCommand: expected an Object")
        try:
            command = _required_string(item, "command")
            description = _required_string(item, "description")
        except ValueError as error:
            raise ApiError.bad(f"Can't parse BotCommand: {error}") from None
        commands.append((command, description))
    return commands


def check_commands(commands: list[tuple[str, str]]) -> list[dict[str, str]]:
    """TDLib ``set_commands`` (td/telegram/BotCommand.cpp) and then the server's limits."""
    result: list[dict[str, str]] = []
    for command, description in commands:
        command = command.strip()
        if command.startswith("/"):
            command = command[1:]
        if not command:
            raise ApiError.bad("Command must be non-empty")
        if len(command) > 32:
            raise ApiError.bad("Command length must not exceed 32")
        description = description.strip()
        if not description:
            raise ApiError.bad("Command description must be non-empty")
        if len(description) > 256:
            raise ApiError.bad("Command description length must not exceed 256")
        result.append({"command": command, "description": description})
    if len(result) > MAX_COMMANDS:
        raise ApiError.bad("BOT_COMMANDS_TOO_MUCH")
    for item in result:
        if not _COMMAND_RE.fullmatch(item["command"]):
            raise ApiError.bad("BOT_COMMAND_INVALID")
    return result


# --- location ----------------------------------------------------------------------------------


def read_location(params: dict[str, str]) -> dict[str, Any]:
    """BAS ``get_location``: latitude and longitude must be given (checked before the chat)."""
    latitude = params.get("latitude", "").strip()
    if not latitude:
        raise ApiError.bad("Bad Request: latitude is empty")
    longitude = params.get("longitude", "").strip()
    if not longitude:
        raise ApiError.bad("Bad Request: longitude is empty")
    location: dict[str, Any] = {"latitude": td_double(latitude), "longitude": td_double(longitude)}
    accuracy = td_double(params.get("horizontal_accuracy", "").strip())
    if math.isfinite(accuracy) and accuracy > 0:
        location["horizontal_accuracy"] = min(accuracy, 1500.0)
    live_period = td_int(params.get("live_period", ""))
    if live_period:
        location["live_period"] = live_period
    return location


def check_location(location: dict[str, Any]) -> None:
    """TDLib ``process_input_message_location`` (td/telegram/Location.cpp)."""
    lat = location["latitude"]
    lon = location["longitude"]
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        raise ApiError.bad("Wrong location specified")
    period = location.get("live_period", 0)
    if period and not (60 <= period <= 86400 or period == 0x7FFFFFFF):
        raise ApiError.bad("Wrong live location period specified")


__all__ = [
    "FormattedText",
    "ReplyParameters",
    "check_commands",
    "check_location",
    "finish_caption",
    "finish_text",
    "inline_buttons",
    "message_id_arg",
    "parse_formatted",
    "parse_reply_markup",
    "parse_reply_parameters",
    "parse_scope",
    "prepare_reply_markup",
    "read_commands",
    "read_location",
    "required",
    "td_int",
    "to_bool",
    "utf16_len",
]
