"""The console's identity checks (issue 24): Telegram's Mini App `initData` and the Login
Widget, each valid, forged, expired, from the future, another bot's, malformed; sessions
signed, ended, forged. aiogram's own checks of the same signatures serve as an independent
witness that the test data is signed as Telegram signs it."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from aiogram.utils.auth_widget import check_integrity
from aiogram.utils.web_app import check_webapp_signature

from bot.domain.console_auth import (
    Refused,
    check_init_data,
    check_login_widget,
    issue_session,
    read_session,
    session_key,
)

TOKEN = "123456789:TEST-token-for-the-fake-telegram"
OTHER = "987654321:another-bot-s-token"
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def init_data(token: str, auth_date: datetime, *, with_user: bool = True, **extra: str) -> str:
    """Signed as Telegram signs a Mini App's launch (written here from the documented
    algorithm, checked below against aiogram's implementation)."""
    user = {"id": 9702, "first_name": "Марат", "last_name": "Ахметов", "language_code": "kk"}
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(auth_date.timestamp())),
        **extra,
    }
    if not with_user:
        del fields["user"]
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def widget(token: str, auth_date: datetime) -> dict[str, str]:
    fields = {
        "id": "9702",
        "first_name": "Марат",
        "username": "marat_a",
        "auth_date": str(int(auth_date.timestamp())),
    }
    secret = hashlib.sha256(token.encode()).digest()
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return fields


def test_the_test_data_is_signed_as_aiogram_checks_it() -> None:
    assert check_webapp_signature(TOKEN, init_data(TOKEN, NOW))
    assert not check_webapp_signature(TOKEN, init_data(OTHER, NOW))
    assert check_integrity(TOKEN, widget(TOKEN, NOW))
    assert not check_integrity(TOKEN, widget(OTHER, NOW))


def test_a_mini_app_launch_names_its_user() -> None:
    checked = check_init_data(init_data(TOKEN, NOW - timedelta(hours=3)), TOKEN, NOW, DAY)
    assert checked.refused is None and checked.identity is not None
    assert (checked.identity.user_id, checked.identity.full_name) == (9702, "Марат Ахметов")
    assert checked.identity.language_code == "kk"


@pytest.mark.parametrize(
    ("data", "refused"),
    [
        (init_data(OTHER, NOW), Refused.FORGED),  # another bot's
        (init_data(TOKEN, NOW).replace("9702", "9703"), Refused.FORGED),  # edited
        (init_data(TOKEN, NOW - DAY - timedelta(seconds=1)), Refused.EXPIRED),
        (init_data(TOKEN, NOW + timedelta(minutes=5)), Refused.EXPIRED),  # from the future
        ("user=%7B%7D&auth_date=1", Refused.MALFORMED),  # no hash
        ("not a query string", Refused.MALFORMED),
        ("", Refused.MALFORMED),
    ],
)
def test_a_mini_app_launch_that_is_not_telegram_s_is_refused(data: str, refused: Refused) -> None:
    assert check_init_data(data, TOKEN, NOW, DAY).refused is refused


def test_a_signed_launch_without_a_user_is_refused() -> None:
    data = init_data(TOKEN, NOW, with_user=False)
    assert check_webapp_signature(TOKEN, data), "Telegram's signature is good"
    assert check_init_data(data, TOKEN, NOW, DAY).refused is Refused.MALFORMED


def test_the_login_widget_names_its_user_and_refuses_the_rest() -> None:
    checked = check_login_widget(widget(TOKEN, NOW - timedelta(minutes=5)), TOKEN, NOW, DAY)
    assert checked.identity is not None and checked.identity.user_id == 9702
    assert check_login_widget(widget(OTHER, NOW), TOKEN, NOW, DAY).refused is Refused.FORGED
    old = widget(TOKEN, NOW - 2 * DAY)
    assert check_login_widget(old, TOKEN, NOW, DAY).refused is Refused.EXPIRED
    edited = {**widget(TOKEN, NOW), "id": "1"}
    assert check_login_widget(edited, TOKEN, NOW, DAY).refused is Refused.FORGED
    assert check_login_widget({"id": "1"}, TOKEN, NOW, DAY).refused is Refused.MALFORMED
    # the widget's key is not the Mini App's: one kind of signature never passes for the other
    fields = dict(pair.split("=", 1) for pair in init_data(TOKEN, NOW).split("&"))
    assert check_login_widget(fields, TOKEN, NOW, DAY).refused is Refused.FORGED


def test_a_session_runs_until_its_end_and_cannot_be_forged() -> None:
    key = session_key(TOKEN)
    value = issue_session(9702, NOW + timedelta(hours=8), key)
    assert TOKEN not in value and read_session(value, key, NOW) == 9702
    assert read_session(value, key, NOW + timedelta(hours=8)) is None, "ended"
    assert read_session(value, session_key(OTHER), NOW) is None, "another token's key"
    user, ends, signature = value.split(".")
    assert read_session(f"1.{ends}.{signature}", key, NOW) is None, "another user"
    later = int(ends) + 3600
    assert read_session(f"{user}.{later}.{signature}", key, NOW) is None, "extended"
    assert read_session("garbage", key, NOW) is None


def test_a_start_parameter_names_a_report_or_nothing() -> None:
    from bot.domain.console_auth import Identity

    assert Identity(1, "A", start_param="r1000").opens_report == 1000
    for other in ("", "r", "rabc", "x1000", "r-5", "r1234567890", "r10 00"):
        assert Identity(1, "A", start_param=other).opens_report is None, other
