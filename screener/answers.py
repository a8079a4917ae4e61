"""Answers kept in the signed session cookie: compact, and tied to the bank's shape."""

from __future__ import annotations

import re
import time
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from .bank import Bank, Question
from .rules import Answer, clean_answer

# Session keys. Short, because the whole session travels in one cookie.
FINGERPRINT, AUDIENCE, ANSWERS, ACKNOWLEDGED, LAST_SEEN, CREATED = "v", "a", "q", "k", "t", "c"
KEYS = (FINGERPRINT, AUDIENCE, ANSWERS, ACKNOWLEDGED, LAST_SEEN, CREATED)
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


def check_fresh(
    session: MutableMapping[str, Any], bank: Bank, idle_seconds: int, lifetime_seconds: int
) -> str | None:
    """Drop answers that are stale; return why ("changed", "idle" or "lifetime"), or None."""
    if not has_answers(session):
        return None
    now = int(time.time())
    last_seen, created = session.get(LAST_SEEN), session.get(CREATED)
    reason = None
    if session.get(FINGERPRINT) != bank.fingerprint:
        reason = "changed"
    elif not isinstance(created, int) or not 0 <= now - created <= lifetime_seconds:
        reason = "lifetime"
    elif not isinstance(last_seen, int) or not 0 <= now - last_seen <= idle_seconds:
        reason = "idle"
    if reason:
        for key in KEYS:
            session.pop(key, None)
    elif isinstance(last_seen, int) and now - last_seen >= LAST_SEEN_STEP:
        session[LAST_SEEN] = now
    return reason
