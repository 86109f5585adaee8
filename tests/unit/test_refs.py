"""Outbox refs and follow-up subjects: every format the code writes (and old databases keep)
reads as a typed `Ref` and writes back as the very same text."""

from __future__ import annotations

import pytest

from bot.domain.helpers import HelperAction, HelperStatus
from bot.domain.refs import Ref, RefKind
from bot.domain.reports import Action
from bot.services.reports import ask_ref, parse_ask, post_ref, topic_ref

#: every shape written by bot/ (renderers, services, storage), with what it reads as
STORED = [
    # reports: outbox refs (bot/telegram/render/, bot/services/reports/)
    ("report:1000:post", RefKind.REPORT, 1000, "post"),
    ("report:1000:topic", RefKind.REPORT, 1000, "topic"),
    ("report:1000:ask:resolve:7", RefKind.REPORT, 1000, "ask:resolve:7"),
    ("report:1000:ask:reject:0", RefKind.REPORT, 1000, "ask:reject:0"),
    ("report:1000:close", RefKind.REPORT, 1000, "close"),
    ("report:1000:reopen", RefKind.REPORT, 1000, "reopen"),
    ("report:1000:edit", RefKind.REPORT, 1000, "edit"),
    ("report:1000:notice", RefKind.REPORT, 1000, "notice"),
    ("report:1000:joined:1001", RefKind.REPORT, 1000, "joined:1001"),
    ("report:1001:followed", RefKind.REPORT, 1001, "followed"),
    ("report:1000:relay", RefKind.REPORT, 1000, "relay"),
    ("report:1000:delivered", RefKind.REPORT, 1000, "delivered"),
    ("report:1000:unreachable", RefKind.REPORT, 1000, "unreachable"),
    ("report:1000:remind", RefKind.REPORT, 1000, "remind"),
    ("report:1000:escalate", RefKind.REPORT, 1000, "escalate"),
    ("report:1000:unresolved", RefKind.REPORT, 1000, "unresolved"),
    ("report:1000:not_solved", RefKind.REPORT, 1000, "not_solved"),
    ("report:1000:survey_comment", RefKind.REPORT, 1000, "survey_comment"),
    ("report:1000:survey", RefKind.REPORT, 1000, "survey"),
    ("report:1000:receipt", RefKind.REPORT, 1000, "receipt"),
    # reports: follow-up and audit subjects (report_followups.py, desk.py)
    ("report:1000", RefKind.REPORT, 1000, ""),
    # duties (bot/telegram/staff/duties/render.py, bot/services/duties.py)
    ("duty:17:post", RefKind.DUTY, 17, "post"),
    ("duty:17:roster", RefKind.DUTY, 17, "roster"),
    ("duty:17:short", RefKind.DUTY, 17, "short"),
    ("duty:17:offer:42", RefKind.DUTY, 17, "offer:42"),
    ("duty:17:closed:42", RefKind.DUTY, 17, "closed:42"),
    ("duty:17:changed:42", RefKind.DUTY, 17, "changed:42"),
    ("duty:17:cancelled:42", RefKind.DUTY, 17, "cancelled:42"),
    ("duty:17:remind:42:24", RefKind.DUTY, 17, "remind:42:24"),
    ("duty:17:remind:42:1:pin", RefKind.DUTY, 17, "remind:42:1:pin"),
    ("duty:17:start:42", RefKind.DUTY, 17, "start:42"),
    ("duty:17:end:42", RefKind.DUTY, 17, "end:42"),
    ("duty:17", RefKind.DUTY, 17, ""),  # follow-up subject: waves, the end, the close
    ("duty:17:42", RefKind.DUTY, 17, "42"),  # follow-up subject: a helper's "I'm here"
    ("duty:17:42:24", RefKind.DUTY, 17, "42:24"),  # follow-up subject: a reminder
    # helpers (bot/telegram/staff/helpers/render.py, bot/services/helpers.py)
    ("helper:5:topic", RefKind.HELPER, 5, "topic"),
    ("helper:5:post", RefKind.HELPER, 5, "post"),
    ("helper:5:edit", RefKind.HELPER, 5, "edit"),
    ("helper:5:ask:approve:checked", RefKind.HELPER, 5, "ask:approve:checked"),
    ("helper:5:ask:question:applied", RefKind.HELPER, 5, "ask:question:applied"),
    ("helper:5:stepped_down", RefKind.HELPER, 5, "stepped_down"),
    ("helper:5:question", RefKind.HELPER, 5, "question"),
    ("helper:5:answer", RefKind.HELPER, 5, "answer"),
    ("helper:5:notice", RefKind.HELPER, 5, "notice"),
    # community surveys (bot/telegram/staff/community/render.py, bot/services/community.py)
    ("csurvey:3", RefKind.CSURVEY, 3, ""),
    ("csurvey:3:chart", RefKind.CSURVEY, 3, "chart"),
    ("csurvey:3:results:2", RefKind.CSURVEY, 3, "results:2"),
    # the rest (bot/telegram/render/, report_followups.py, backups.py)
    ("alert:1000", RefKind.ALERT, 1000, ""),
    ("ops:group_lost:-1001234567890", RefKind.OPS, None, "group_lost:-1001234567890"),
    ("ops:outbox_stalled", RefKind.OPS, None, "outbox_stalled"),
    ("priorities:zhd-vokzal", RefKind.PRIORITIES, None, "zhd-vokzal"),
    ("priorities:12", RefKind.PRIORITIES, None, "12"),
    ("digest", RefKind.DIGEST, None, ""),
    ("digest:2026-12-07", RefKind.DIGEST, None, "2026-12-07"),
    ("backup:2026-12-07", RefKind.BACKUP, None, "2026-12-07"),
]


@pytest.mark.parametrize(("text", "kind", "number", "part"), STORED)
def test_every_stored_format_reads_and_writes_back(
    text: str, kind: RefKind, number: int | None, part: str
) -> None:
    ref = Ref.parse(text)
    assert ref == Ref(kind, number, part)
    assert str(ref) == text
    assert Ref.of(text) == ref


def test_parts_split_the_rest() -> None:
    assert Ref.parse("report:1000:ask:resolve:7").parts == ("ask", "resolve", "7")
    assert Ref.parse("report:1000").parts == ()


@pytest.mark.parametrize("text", ["", "nonsense:1", "report:abc:post", "duty:x"])
def test_unknown_or_malformed_refs(text: str) -> None:
    with pytest.raises(ValueError):
        Ref.parse(text)
    assert Ref.of(text) is None


def test_no_ref() -> None:
    assert Ref.of(None) is None


def _built() -> list[tuple[Ref, str]]:
    """Each ref and subject the code builds, beside the f-string an earlier release wrote for
    it (the stored text must stay byte for byte: old rows and rows in flight still match)."""
    report, duty, helper, survey, precinct, chat, n, hours = (
        1000,
        17,
        42,
        3,
        "zhd-vokzal",
        -1001,
        2,
        24,
    )
    action, version, status, day, what = (
        Action.RESOLVE,
        7,
        HelperStatus.CHECKED,
        "2026-12-07",
        "changed",
    )
    return [
        # reports (bot/services/reports/ports.py, bot/telegram/**/render.py, report_followups.py)
        (post_ref(report), f"report:{report}:post"),
        (topic_ref(report), f"report:{report}:topic"),
        (ask_ref(report, action, version), f"report:{report}:ask:{action.value}:{version}"),
        (Ref.report(report, "close"), f"report:{report}:close"),
        (Ref.report(report, "reopen"), f"report:{report}:reopen"),
        (Ref.report(report, "edit"), f"report:{report}:edit"),
        (Ref.report(report, "notice"), f"report:{report}:notice"),
        (Ref.report(report, "joined", report + 1), f"report:{report}:joined:{report + 1}"),
        (Ref.report(report, "followed"), f"report:{report}:followed"),
        (Ref.report(report, "relay"), f"report:{report}:relay"),
        (Ref.report(report, "relay").with_part("delivered"), f"report:{report}:delivered"),
        (Ref.report(report, "unreachable"), f"report:{report}:unreachable"),
        (Ref.report(report, "remind"), f"report:{report}:remind"),
        (Ref.report(report, "survey"), f"report:{report}:survey"),
        (Ref.report(report, "receipt"), f"report:{report}:receipt"),
        (Ref.report(report), f"report:{report}"),
        (Ref(RefKind.DIGEST, part=day), f"digest:{day}"),
        (Ref(RefKind.DIGEST), "digest"),
        (Ref(RefKind.BACKUP, part=day), f"backup:{day}"),
        # duties (bot/services/duties.py, bot/telegram/staff/duties/render.py)
        (Ref.duty(duty), f"duty:{duty}"),
        (Ref.duty(duty, "post"), f"duty:{duty}:post"),
        (Ref.duty(duty, "roster"), f"duty:{duty}:roster"),
        (Ref.duty(duty, "short"), f"duty:{duty}:short"),
        (Ref.duty(duty, "offer", helper), f"duty:{duty}:offer:{helper}"),
        (Ref.duty(duty, "closed", helper), f"duty:{duty}:closed:{helper}"),
        (Ref.duty(duty, what, helper), f"duty:{duty}:{what}:{helper}"),
        (Ref.duty(duty, "remind", helper, hours), f"duty:{duty}:remind:{helper}:{hours}"),
        (
            Ref.duty(duty, "remind", helper, hours).plus("pin"),
            f"duty:{duty}:remind:{helper}:{hours}" + ":pin",
        ),
        (Ref.duty(duty, "start", helper), f"duty:{duty}:start:{helper}"),
        (Ref.duty(duty, "end", helper), f"duty:{duty}:end:{helper}"),
        (Ref.duty(duty, helper), f"duty:{duty}:{helper}"),
        (Ref.duty(duty, helper).plus(hours), f"duty:{duty}:{helper}:{hours}"),
        # helpers (bot/services/helpers.py, bot/telegram/staff/helpers/render.py)
        (Ref.helper(helper, "topic"), f"helper:{helper}:topic"),
        (Ref.helper(helper, "post"), f"helper:{helper}:post"),
        (Ref.helper(helper, "edit"), f"helper:{helper}:edit"),
        (
            Ref.helper(helper, "ask", "question", status.value),
            f"helper:{helper}:ask:{'question'}:{status.value}",
        ),
        (
            Ref.helper(helper, "ask", HelperAction.CHECK.value, status.value),
            f"helper:{helper}:ask:{HelperAction.CHECK.value}:{status.value}",
        ),
        (Ref.helper(helper, "stepped_down"), f"helper:{helper}:stepped_down"),
        (Ref.helper(helper, "question"), f"helper:{helper}:question"),
        (Ref.helper(helper, "answer"), f"helper:{helper}:answer"),
        (Ref.helper(helper, "notice"), f"helper:{helper}:notice"),
        # community surveys (bot/services/community.py, bot/telegram/staff/community/render.py)
        (Ref.csurvey(survey), f"csurvey:{survey}"),
        (Ref.csurvey(survey, "chart"), f"csurvey:{survey}:chart"),
        (Ref.csurvey(survey, "results", n), f"csurvey:{survey}:results:{n}"),
        # the rest (bot/telegram/resident/report/render.py, subscriptions.py)
        (Ref.alert(report), f"alert:{report}"),
        (Ref.ops("group_lost", chat), f"ops:group_lost:{chat}"),
        (Ref.ops("outbox_stalled"), "ops:outbox_stalled"),
        (Ref(RefKind.PRIORITIES, part=precinct), f"priorities:{precinct}"),
    ]


@pytest.mark.parametrize(("ref", "old"), _built(), ids=lambda x: str(x))
def test_built_refs_keep_the_old_text(ref: Ref, old: str) -> None:
    assert str(ref) == old
    assert Ref.parse(old) == ref, "read back, it is the same value"


def test_parse_ask_reads_only_an_ask() -> None:
    assert parse_ask(ask_ref(1000, Action.REJECT, 0)) == (1000, Action.REJECT, 0)
    for other in (Ref.report(1000, "post"), Ref.report(1000, "ask", "nope", 1), Ref.duty(1), None):
        assert parse_ask(other) is None
