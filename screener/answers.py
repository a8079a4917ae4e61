"""Answers kept in the signed session cookie: compact, and tied to the bank's shape."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from .bank import Bank, Question
from .rules import Answer, clean_answer

# Session keys. Short, because the whole session travels in one cookie.
FINGERPRINT, AUDIENCE, ANSWERS, ACKNOWLEDGED, LAST_SEEN, CREATED = "v", "a", "q", "k", "t", "c"
# A form that came back with errors, kept for the one GET after its redirect (Post/Redirect/Get):
# "page|tampered|choices", each question's ticked options as a base-36 bit mask. Not an answer
# until it is valid, and never anywhere but this signed cookie.
FORM_ERRORS = "e"
# Set while a "what to do now" page is open: the idle clock stops (someone may be on a call).
PAUSED = "p"
KEYS = (FINGERPRINT, AUDIENCE, ANSWERS, ACKNOWLEDGED, LAST_SEEN, CREATED, PAUSED, FORM_ERRORS)
# The language a person chose (an index into i18n.LANGUAGES): not an answer, so it outlives Clear.
LANGUAGE = "l"
# The last-seen time is kept to the minute, so most requests leave the cookie as it is.
LAST_SEEN_STEP = 60
TOKEN = re.compile(r"[0-9a-z]{1,13}")


@dataclass
class Saved:
    """What one person has told the screener so far."""

    audience: str
    answers: dict[str, Answer] = field(default_factory=dict)
    acknowledged: set[str] = field(default_factory=set)


def encode(bank: Bank, answers: dict[str, Answer]) -> str:
    """Encode answers as one token per question in bank order ("" when unanswered).

    A single answer is its option's index; a multi answer is a bit mask of indexes, in
    base 36. Every question answered still fits in a few hundred bytes.
    """
    tokens = []
    for question in bank.questions.values():
        answer = answers.get(question.id)
        tokens.append("" if answer is None else _encode_one(question, answer))
    return ".".join(tokens).rstrip(".")


def _encode_one(question: Question, answer: Answer) -> str:
    values = [o.value for o in question.all_options]
    if isinstance(answer, tuple):
        mask = sum(1 << values.index(v) for v in answer)
        return _base36(mask)
    return _base36(values.index(answer))


def decode(bank: Bank, text: Any) -> dict[str, Answer]:
    """Decode answers; anything that does not fit the bank is dropped, never trusted."""
    if not isinstance(text, str) or len(text) > 4096:
        return {}
    answers: dict[str, Answer] = {}
    for question, token in zip(bank.questions.values(), text.split("."), strict=False):
        # int() would also take "-1", "+1" or "1_0": only plain base-36 digits are ours.
        if not TOKEN.fullmatch(token):
            continue
        number = int(token, 36)
        values = [o.value for o in question.all_options]
        raw: Any
        if question.type == "multi":
            raw = [v for i, v in enumerate(values) if number >> i & 1]
            if number >> len(values):
                continue
        else:
            raw = values[number] if number < len(values) else None
        answer = clean_answer(question, raw)
        if answer is not None:
            answers[question.id] = answer
    return answers


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def _index(ids: list[str], value: Any) -> str | None:
    """Return ids[value] for a plain index, else None (never trust the cookie's shape)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(ids):
        return ids[value]
    if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) < len(ids):
        return ids[int(value)]
    return None


def load(session: MutableMapping[str, Any], bank: Bank) -> Saved | None:
    """Read what the session holds for this bank: None until someone has chosen an audience."""
    audience = _index([a.id for a in bank.audiences], session.get(AUDIENCE))
    if audience is None:
        return None
    findings = [f.id for f in bank.findings]
    acknowledged = session.get(ACKNOWLEDGED)
    seen = acknowledged.split(",") if isinstance(acknowledged, str) and acknowledged else []
    return Saved(
        audience=audience,
        answers=decode(bank, session.get(ANSWERS)),
        acknowledged={f for f in (_index(findings, i) for i in seen) if f is not None},
    )


def save(session: MutableMapping[str, Any], bank: Bank, saved: Saved) -> None:
    """Write answers to the session as indexes, stamped with the bank's fingerprint.

    The creation time is written once: no later request makes the answers live longer.
    """
    now = int(time.time())
    audiences = [a.id for a in bank.audiences]
    findings = [f.id for f in bank.findings]
    session[FINGERPRINT] = bank.fingerprint
    session[AUDIENCE] = audiences.index(saved.audience) if saved.audience in audiences else -1
    session[ANSWERS] = encode(bank, saved.answers)
    session[ACKNOWLEDGED] = ",".join(
        str(i) for i in sorted(findings.index(f) for f in saved.acknowledged if f in findings)
    )
    session[LAST_SEEN] = now
    session.setdefault(CREATED, now)


def clear(session: MutableMapping[str, Any]) -> None:
    """Forget everything but the language chosen, including the CSRF token and any messages."""
    language = session.get(LANGUAGE)
    session.clear()
    if language is not None:
        session[LANGUAGE] = language


def has_answers(session: MutableMapping[str, Any]) -> bool:
    """Tell whether the session holds anything a person told us."""
    return AUDIENCE in session


def keep_form_errors(
    session: MutableMapping[str, Any], page: str, questions: Iterable[Question], posted: Any, tampered: bool
) -> None:
    """Keep what a failed post chose (only options the page offers), to show it after a redirect."""
    tokens = []
    for question in questions:
        chosen = set(posted.getlist(question.id)) if not tampered else set()
        mask = sum(1 << i for i, o in enumerate(question.all_options) if o.value in chosen)
        tokens.append(_base36(mask) if mask else "")
    session[FORM_ERRORS] = f"{page}|{int(tampered)}|{'.'.join(tokens).rstrip('.')}"


def take_form_errors(
    session: MutableMapping[str, Any], page: str, questions: Iterable[Question]
) -> tuple[MultiDict[str, str], bool] | None:
    """Return (and forget) what a failed post on this page chose, and whether it was refused."""
    kept = session.pop(FORM_ERRORS, None)
    if not isinstance(kept, str) or kept.count("|") != 2:
        return None
    where, tampered, choices = kept.split("|")
    if where != page:
        return None
    posted: MultiDict[str, str] = MultiDict()
    for question, token in zip(questions, choices.split("."), strict=False):
        if TOKEN.fullmatch(token):
            mask = int(token, 36)
            for i, option in enumerate(question.all_options):
                if mask >> i & 1:
                    posted.add(question.id, option.value)
    return posted, tampered == "1"


def pause(session: MutableMapping[str, Any]) -> None:
    """Stop the idle clock while a "what to do now" page is open."""
    if has_answers(session) and session.get(PAUSED) != 1:
        session[PAUSED] = 1


def resume(session: MutableMapping[str, Any]) -> None:
    """Start the idle clock again, from now, after a "what to do now" page."""
    if session.pop(PAUSED, None) is not None and has_answers(session):
        session[LAST_SEEN] = int(time.time())


def idle_left(session: MutableMapping[str, Any], idle_seconds: int) -> int | None:
    """Return the seconds left before the answers are cleared for no activity, or None."""
    last_seen = session.get(LAST_SEEN)
    if not has_answers(session) or session.get(PAUSED) == 1 or not isinstance(last_seen, int):
        return None
    return max(0, idle_seconds - (int(time.time()) - last_seen))


def check_fresh(
    session: MutableMapping[str, Any], bank: Bank, idle_seconds: int, lifetime_seconds: int
) -> str | None:
    """Drop answers that are stale; return why ("changed", "idle" or "lifetime"), or None.

    While a "what to do now" page is open (PAUSED), only the lifetime limit applies.
    """
    if not has_answers(session):
        return None
    now = int(time.time())
    last_seen, created = session.get(LAST_SEEN), session.get(CREATED)
    reason = None
    if session.get(FINGERPRINT) != bank.fingerprint:
        reason = "changed"
    elif not isinstance(created, int) or not 0 <= now - created <= lifetime_seconds:
        reason = "lifetime"
    elif session.get(PAUSED) == 1:
        pass
    elif not isinstance(last_seen, int) or not 0 <= now - last_seen <= idle_seconds:
        reason = "idle"
    if reason:
        for key in KEYS:
            session.pop(key, None)
    elif isinstance(last_seen, int) and now - last_seen >= LAST_SEEN_STEP:
        session[LAST_SEEN] = now
    return reason
