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
FINGERPRINT, AUDIENCE, ANSWERS, ACKNOWLEDGED, LAST_SEEN = "v", "a", "q", "k", "t"
KEYS = (FINGERPRINT, AUDIENCE, ANSWERS, ACKNOWLEDGED, LAST_SEEN)
TOKEN = re.compile(r"[0-9a-z]{1,13}")


@dataclass
class Saved:
    """What one person has told the screener so far."""

    audience: str | None = None
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


def load(session: MutableMapping[str, Any], bank: Bank) -> Saved:
    """Read what the session holds for this bank."""
    audience = session.get(AUDIENCE)
    if audience not in {a.id for a in bank.audiences}:
        return Saved()
    acknowledged = session.get(ACKNOWLEDGED)
    return Saved(
        audience=audience,
        answers=decode(bank, session.get(ANSWERS)),
        acknowledged=set(acknowledged.split(",")) if isinstance(acknowledged, str) else set(),
    )


def save(session: MutableMapping[str, Any], bank: Bank, saved: Saved) -> None:
    """Write answers to the session, stamped with the bank's fingerprint."""
    session[FINGERPRINT] = bank.fingerprint
    session[AUDIENCE] = saved.audience
    session[ANSWERS] = encode(bank, saved.answers)
    session[ACKNOWLEDGED] = ",".join(sorted(saved.acknowledged))
    session[LAST_SEEN] = int(time.time())


def clear(session: MutableMapping[str, Any]) -> None:
    """Forget everything, including the CSRF token and any messages."""
    session.clear()


def has_answers(session: MutableMapping[str, Any]) -> bool:
    """Tell whether the session holds anything a person told us."""
    return bool(session.get(AUDIENCE))


def check_fresh(session: MutableMapping[str, Any], bank: Bank, idle_seconds: int) -> str | None:
    """Drop answers that are stale; return why ("idle" or "changed"), or None."""
    now = int(time.time())
    last_seen = session.get(LAST_SEEN)
    reason = None
    if has_answers(session):
        if session.get(FINGERPRINT) != bank.fingerprint:
            reason = "changed"
        elif not isinstance(last_seen, int) or not 0 <= now - last_seen <= idle_seconds:
            reason = "idle"
    if reason:
        for key in KEYS:
            session.pop(key, None)
    if has_answers(session):
        session[LAST_SEEN] = now
    return reason
