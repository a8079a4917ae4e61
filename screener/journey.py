"""Where one person stands in the check, worked out once per request (pure Python, no Flask).

The pages ask one `Journey` what they need: which pages this person is asked, where to go
next (an emergency first, then the first page with a question not yet answered, else check
answers) and, for the results page, the report. Skip logic and the rules run once for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from .bank import Bank, Question, Section
from .rules import Answer, Report, interrupts_in, relevant_answers, report_on, visible_sections

Step = tuple[Section, tuple[Question, ...]]


@dataclass(frozen=True)
class Next:
    """The page to go to next: an interrupt ("now"), a page of questions, or check answers."""

    page: Literal["now", "section", "check_answers"]
    id: str = ""


@dataclass(frozen=True)
class Journey:
    """One person's way through the check, given their audience and answers."""

    bank: Bank = field(repr=False)
    audience: str
    # The answers that count: valid, and to questions skip logic still asks.
    answers: Mapping[str, Answer]
    steps: tuple[Step, ...]
    # The interrupts the person has seen and chosen to go on past.
    acknowledged: frozenset[str]
    # Only when asked for (the results page): every rule evaluated on `answers`.
    report: Report | None = None

    @cached_property
    def next(self) -> Next:
        """Return the next step, worked out when first asked.

        An interrupt not yet gone past comes first, then the first page with a question not
        yet answered, else check answers.
        """
        if self.report is not None:
            due = tuple(r.finding for r in self.report.interrupts)
        else:
            due = interrupts_in(self.bank, self.answers, self.audience)
        for finding in due:
            if finding.id not in self.acknowledged:
                return Next("now", finding.id)
        for section, questions in self.steps:
            if any(q.id not in self.answers for q in questions):
                return Next("section", section.id)
        return Next("check_answers")

    @property
    def finished(self) -> bool:
        """Tell whether every question is answered and no interrupt is waiting."""
        return self.next.page == "check_answers"

    def place(self, section_id: str) -> int | None:
        """Return where a page is among this person's steps, or None when it is not asked."""
        return next((i for i, (section, _) in enumerate(self.steps) if section.id == section_id), None)


def journey(
    bank: Bank,
    audience: str,
    answers: Mapping[Any, Any],
    acknowledged: Iterable[str] = (),
    *,
    report: bool = False,
) -> Journey:
    """Work out the pages this person is asked and (if `report`) the report, each rule once.

    `acknowledged` names the interrupts the person has seen and chosen to go on past.
    """
    kept = relevant_answers(bank, answers, audience)
    seen = frozenset(acknowledged)
    return Journey(
        bank,
        audience,
        kept,
        tuple(visible_sections(bank, kept, audience)),
        seen,
        report_on(bank, kept, audience, seen) if report else None,
    )


# How long the questions take, measured the way the UX review of December 2026 did: the words
# of every question page this audience may see, read at 200 words a minute on a phone, and 4
# seconds to answer each question (12 seconds a question had promised about half the time).
WORDS_PER_MINUTE = 200
SECONDS_TO_ANSWER = 4


def size(bank: Bank, audience: str) -> tuple[int, int]:
    """Return the most questions this audience may be asked, and about how many minutes."""
    words = questions = 0
    for section in bank.sections:
        asked = section.for_audience(audience)
        if asked:
            words += len(f"{section.title.get(audience)} {section.intro.get(audience)}".split())
        for question in asked:
            questions += 1
            labels = " ".join(option.label.get(audience) for option in question.all_options)
            words += len(f"{question.legend(audience)} {question.hint.get(audience)} {labels}".split())
    minutes = words / WORDS_PER_MINUTE + questions * SECONDS_TO_ANSWER / 60
    return questions, max(1, math.ceil(minutes))
