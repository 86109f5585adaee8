"""Refs and subjects are typed values (bot/domain/refs.py): outside it, nobody writes one as
an f-string or takes one apart with `.split(":")`."""

from __future__ import annotations

import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
REFS = BOT / "domain" / "refs.py"
#: a ref or subject built as an f-string: `ref=f"…"`, `subject = f"…"`, `base = f"duty:…"`
BUILT = re.compile(
    r"""\b(ref|subject)\s*=\s*f["']"""
    r"""|\bf["'](report|duty|helper|csurvey|alert|ops|priorities|digest|backup):"""
)
#: a ref or subject taken apart: `ref.split(":")`, `(message.ref or "").split(":")`
SPLIT = re.compile(r"""(ref|subject)\b[^\n]*\.split\(["']:["']\)""")


def _found(pattern: re.Pattern[str], where: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(where.rglob("*.py")):
        if path == REFS:
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if pattern.search(line):
                found.setdefault(path.relative_to(BOT).as_posix(), []).append(
                    f"{number}: {line.strip()}"
                )
    return found


def test_no_ref_or_subject_built_as_a_string() -> None:
    assert _found(BUILT, BOT) == {}, "build it as a Ref (Ref.duty(17, 'offer', 42), …)"


def test_no_ref_or_subject_split_in_services() -> None:
    assert _found(SPLIT, BOT / "services") == {}, "match its kind, id and parts instead"


def test_the_scans_see_what_they_look_for() -> None:
    for line in (
        'NewMessage(1, "sendMessage", {}, ref=f"duty:{d}:offer:{o}")',
        'subject = f"report:{what}"',
        'await followups.schedule(conn, WAVE, f"duty:{duty_id}", now)',
        'drop_pending(conn, f"priorities:{precinct_id}")',
    ):
        assert BUILT.search(line), line
    for line in (
        'parts = (message.ref or "").split(":")',
        'duty_id = int(job.subject.split(":")[1])',
        "_, duty, helper = followup.subject.split(':')",
    ):
        assert SPLIT.search(line), line
    assert not BUILT.search('ref=Ref.duty(duty.id, "offer", helper.id)')
    assert not BUILT.search('f"<a href=\\"tg://user?id={user_id}\\">"')
    assert not SPLIT.search('hours, minutes = text.split(":")')
