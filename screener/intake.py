"""The counselor's intake record: a summary block, the 11 areas, and a plain-text copy for notes.

Pure Python, like the engine: answers and a Report in, plain data and text out. Nothing here
is stored; the record exists only while a page or a download is being made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton

from .bank import UNSURE, Bank, Question, questions_in
from .bank.freshness import last_reviewed, sources_of
from .rules import Answer, Report, relevant_answers, truth
from .words import N_, _

AUDIENCE = "counselor"
DEFAULT_TIMEZONE = "America/New_York"
STATUS = {
    "reported": N_("Reported"),
    "not_sure": N_("Not sure"),
    "not_reported": N_("Not reported"),
    "not_asked": N_("Not asked"),
}
LEVEL_NAMES = {
    "emergency": N_("Emergency"),
    "urgent": N_("Urgent"),
    "talk_soon": N_("Talk soon"),
    "info": N_("Good to know"),
}
DISCLAIMER = N_(
    "Screening only, not a diagnosis. It shows patterns worth exploring, not a count or a severity."
)


@dataclass(frozen=True)
class Row:
    """One answer in the record: what was asked (in short) and what the client said."""

    question_id: str
    label: str
    answer: str
    unsure: bool


@dataclass(frozen=True)
class AreaRow:
    """One of the 11 areas: reported, not reported, not sure (with the items) or not asked."""

    id: str
    name: str
    status: str
    note: str
    unsure_items: tuple[str, ...]

    @property
    def status_text(self) -> str:
        """Return the status in words."""
        return _(STATUS[self.status])


@dataclass(frozen=True)
class Intake:
    """What the counselor's record shows, in bank order."""

    summary: tuple[Row, ...]
    areas: tuple[AreaRow, ...]
    unsure: tuple[Row, ...]
    patterns: tuple[tuple[str, str], ...]
    # Per pattern, the answers the printout does not repeat under it: those the summary or the
    # areas table already show, or that an earlier pattern already listed.
    shown_before: Mapping[str, frozenset[str]]

    @property
    def area_notes(self) -> tuple[tuple[str, str], ...]:
        """Return each note shown once, with the areas it applies to (for the printed page)."""
        names: dict[str, list[str]] = {}
        for area in self.areas:
            if area.note:
                names.setdefault(area.note, []).append(area.name)
        return tuple((", ".join(n), note) for note, n in names.items())


def local_now(timezone: str) -> datetime:
    """Return the time now in the deployment's time zone (so an evening intake is dated today)."""
    return datetime.now(ZoneInfo(timezone))


def local_date(moment: datetime, language: str = "en") -> str:
    """Return a date as people write it: 25 November 2026, 25 de noviembre de 2026."""
    if language == "en":
        return f"{moment.day} {moment:%B %Y}"
    return str(format_date(moment, "long", locale=language))


def local_month(moment: date, language: str = "en") -> str:
    """Return a month as people write it: December 2026, diciembre de 2026."""
    return str(format_skeleton("yMMMM", moment, locale=language))


def reviewed_month(language: str, *shown: Any) -> str:
    """When a page's content was last reviewed, as a month in its language ("" if unknown).

    Give it what the page shows: sources, findings, learn pages, helplines, or lists of them.
    It is the oldest checked month of all their sources (freshness.last_reviewed): a page is
    only as fresh as the least recently checked source behind it.
    """
    month = last_reviewed(sources_of(shown))
    return local_month(month, language) if month else ""


def summary_questions(bank: Bank) -> tuple[Question, ...]:
    """Return the questions of the summary block: flagged ones and the safety questions."""
    safety = {q for f in bank.findings if f.level == "emergency" for q in questions_in(f.when)}
    return tuple(
        q for q in bank.questions.values() if AUDIENCE in q.audiences and (q.summary or q.id in safety)
    )


def answer_text(question: Question, answer: Answer) -> str:
    """Return an answer in the counselor's words; several choices are joined with semicolons."""
    values = answer if isinstance(answer, tuple) else (answer,)
    labels = []
    for value in values:
        option = question.option(value)
        labels.append(option.label.get(AUDIENCE) if option else value)
    return "; ".join(labels)


def _row(question: Question, answer: Answer, label: str) -> Row:
    chosen = answer if isinstance(answer, tuple) else (answer,)
    return Row(question.id, label, answer_text(question, answer), UNSURE in chosen)


def build(bank: Bank, raw_answers: Mapping[str, Answer], report: Report) -> Intake:
    """Build the record from the client's answers and the counselor's report."""
    answers = relevant_answers(bank, raw_answers, AUDIENCE)
    summary = tuple(
        _row(q, answers[q.id], q.summary_label or q.text.get(AUDIENCE).rstrip("."))
        for q in summary_questions(bank)
        if q.id in answers
    )
    areas = []
    for area in bank.areas:
        asked = [q for q in dict.fromkeys(questions_in(area.when)) if q in answers]
        result = truth(area.when, answers)
        status = (
            "not_asked"
            if not asked
            else "reported"
            if result is True
            else "not_sure"
            if result is None
            else "not_reported"
        )
        unsure_items = (
            tuple(
                bank.questions[q].text.get(AUDIENCE)
                for q in asked
                if UNSURE in (answers[q] if isinstance(answers[q], tuple) else (answers[q],))
            )
            if status == "not_sure"
            else ()
        )
        shows_note = area.note and (area.note_when is None or truth(area.note_when, answers) is True)
        areas.append(AreaRow(area.id, area.name, status, area.note if shows_note else "", unsure_items))
    unsure = tuple(
        _row(q, answers[q.id], q.text.get(AUDIENCE))
        for q in bank.questions.values()
        if q.id in answers and UNSURE in (a if isinstance(a := answers[q.id], tuple) else (a,))
    )
    # What was met at intake (a safety page the counselor went on from) heads the list.
    patterns = tuple((_(LEVEL_NAMES[a.finding.level]), a.title) for a in report.aftercare)
    patterns += tuple((_(LEVEL_NAMES[f.level]), f.title) for f in report.findings)
    shown = {row.question_id for row in summary}
    shown |= {t.question_id for area in report.areas for t in area.triggers}
    shown_before = {}
    for finding in report.findings:
        shown_before[finding.id] = frozenset(shown)
        shown |= {t.question_id for t in finding.triggers}
    return Intake(summary, tuple(areas), unsure, patterns, MappingProxyType(shown_before))


def as_text(intake: Intake, date: str, timing: str | None = None) -> str:
    """Return the record as plain text, to paste into case notes."""
    lines = [
        _("Opioid use check: intake screening summary"),
        _("Date: %(date)s", date=date),
        *([timing] if timing else []),
        _(DISCLAIMER),
        "",
        _("SUMMARY"),
    ]
    lines += [f"- {row.label}: {row.answer}" for row in intake.summary] or ["- " + _("No answers")]
    lines += ["", _("AREAS TO EXPLORE IN A FULL ASSESSMENT")]
    for area in intake.areas:
        line = f"- {area.name}: {area.status_text}"
        if area.unsure_items:
            line += f" ({'; '.join(area.unsure_items)})"
        if area.note:
            line += ". " + _("Note: %(note)s", note=area.note)
        lines.append(line)
    lines += ["", _("PATTERNS WORTH EXPLORING")]
    lines += [f"- {level}: {title}" for level, title in intake.patterns] or [
        "- " + _("None of the answers matched the patterns this check looks for (not an all-clear).")
    ]
    if intake.unsure:
        lines += ["", _("TO FOLLOW UP (answered “Not sure”)")]
        lines += [f"- {row.label}" for row in intake.unsure]
    return "\n".join(lines) + "\n"
