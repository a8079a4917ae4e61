"""The question bank's frozen, typed objects: what questions.yaml holds once it is checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .actions import ActionWords

AUDIENCES: tuple[str, ...] = ("self", "other", "counselor")
LEVELS: tuple[str, ...] = ("emergency", "urgent", "talk_soon", "info")
QUESTION_TYPES: tuple[str, ...] = ("yesno", "choice", "multi")
REGIONS: tuple[str, ...] = ("US", "CA", "UK")
UNSURE = "unsure"
YESNO_VALUES: tuple[str, ...] = ("yes", "no", UNSURE)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class BankError(Exception):
    """Raised with every problem found in a question bank."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --- the objects ----------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Words that may differ by audience."""

    by_audience: Mapping[str, str]

    def get(self, audience: str) -> str:
        """Return the wording for an audience ("" when it has none)."""
        return self.by_audience.get(audience, "")

    def has(self, audience: str) -> bool:
        """Tell whether there is wording for the audience."""
        return bool(self.by_audience.get(audience))


@dataclass(frozen=True)
class TextList:
    """A list of sentences that may differ by audience."""

    by_audience: Mapping[str, tuple[str, ...]]

    def get(self, audience: str) -> tuple[str, ...]:
        """Return the list for an audience (empty when it has none)."""
        return self.by_audience.get(audience, ())


EMPTY_TEXT = Text(MappingProxyType({}))


@dataclass(frozen=True)
class AnswerIs:
    """True when a question's answer is one of `values` (for multi: any chosen)."""

    question: str
    values: frozenset[str]


@dataclass(frozen=True)
class Answered:
    """True when a question has any answer."""

    question: str


@dataclass(frozen=True)
class AnyOf:
    """True when at least one item is true."""

    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AllOf:
    """True when every item is true."""

    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """True when the item is false."""

    item: Condition


@dataclass(frozen=True)
class AtLeast:
    """True when at least `count` items are true."""

    count: int
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Given:
    """True when the item is true; its answers only rule things out, so they are never listed."""

    item: Condition


@dataclass(frozen=True)
class IsFact:
    """True when the named fact is; `item` is that fact's one condition, shared by every rule.

    Sharing the object means a report works each fact out once (the engine keeps each
    condition's truth by identity), and the answers behind it are the fact's own.
    """

    fact: str
    item: Condition


Condition = AnswerIs | Answered | AnyOf | AllOf | Not | AtLeast | Given | IsFact


@dataclass(frozen=True)
class Fact:
    """Something about the person that several rules need, defined once ("on treatment now")."""

    id: str
    when: Condition
    meaning: str


@dataclass(frozen=True)
class ActionRef:
    """One thing a finding asks the reader to do: when `when` is true (or not given), unless
    `unless` is true. A "not sure" never shows an action that needs a yes, nor hides one."""

    key: str
    when: Condition | None = None
    unless: Condition | None = None


@dataclass(frozen=True)
class Source:
    """Where a fact comes from, and the month someone last checked that it still says so.

    `checked` is the first day of that month (questions.yaml gives the month only, as
    `checked: 2026-12`); None when the bank does not say. `flask bank check` warns when it is
    missing or old (screener/bank/freshness.py), and pages show the oldest of their sources'
    dates as "Content last reviewed".
    """

    title: str
    url: str
    checked: date | None = None


@dataclass(frozen=True)
class Option:
    """One answer a question offers."""

    value: str
    label: Text


@dataclass(frozen=True)
class Question:
    """One question, worded per audience."""

    id: str
    type: str
    text: Text
    hint: Text
    audiences: frozenset[str]
    when: Condition | None
    options: tuple[Option, ...]
    none: Option | None
    section: str
    # In the counselor's summary block; the label is a short name for the row ("" = the text).
    summary: bool = False
    summary_label: str = ""
    spoken: str = ""  # what a counselor reads aloud ("" = they answer from what they see)

    def legend(self, audience: str) -> str:
        """Return the words the page asks with: a counselor's are read aloud, the text recorded."""
        return self.spoken if audience == "counselor" and self.spoken else self.text.get(audience)

    def record(self, audience: str) -> str:
        """Return the record's wording when the page reads other words aloud ("" otherwise)."""
        return self.text.get(audience) if audience == "counselor" and self.spoken else ""

    def option(self, value: str) -> Option | None:
        """Return the option with this value, if any."""
        return self._by_value.get(value)

    # Worked out once per question: every request reads them, often many times.
    @cached_property
    def all_options(self) -> tuple[Option, ...]:
        """Return every option, the exclusive "none" one last."""
        return self.options + ((self.none,) if self.none else ())

    @cached_property
    def values(self) -> frozenset[str]:
        """Return every value this question accepts."""
        return frozenset(option.value for option in self.all_options)

    def structure(self) -> tuple[Any, ...]:
        """Everything but the words (see Bank.structure)."""
        return (self.id, self.type, self.audiences, self.when, self.values, self.summary)

    @cached_property
    def _by_value(self) -> dict[str, Option]:
        return {option.value: option for option in self.all_options}


@dataclass(frozen=True)
class Section:
    """A checklist shown on one page."""

    id: str
    title: Text
    intro: Text
    when: Condition | None
    questions: tuple[Question, ...]

    def for_audience(self, audience: str) -> tuple[Question, ...]:
        """Return the questions this audience is ever asked here."""
        return self._by_audience.get(audience, ())

    @cached_property
    def _by_audience(self) -> dict[str, tuple[Question, ...]]:
        return {a: tuple(q for q in self.questions if a in q.audiences) for a in AUDIENCES}


@dataclass(frozen=True)
class Area:
    """One of the areas clinicians look at in a full assessment."""

    id: str
    name: str
    when: Condition
    note: str
    # The note is shown only when this is true (for example: only with a prescription).
    note_when: Condition | None = None


@dataclass(frozen=True)
class Block:
    """A piece of a learn page: a paragraph, a heading or a list."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Aftercare:
    """What the results say, in a calm voice, once a person has gone on past an interrupt."""

    title: Text
    text: Text
    steps: TextList


@dataclass(frozen=True)
class Part:
    """Words a finding adds only when their own condition is true too."""

    when: Condition
    explanation: Text
    steps: TextList


@dataclass(frozen=True)
class Finding:
    """A rule: a pattern worth talking about, with what to do next."""

    id: str
    level: str
    when: Condition
    audiences: frozenset[str]
    title: Text
    explanation: Text
    steps: TextList
    learn: str | None
    resources: tuple[str, ...]
    sources: tuple[Source, ...]
    parts: tuple[Part, ...] = ()
    ends: bool = False
    interrupt: bool = False
    call_hint: Text = field(default_factory=lambda: EMPTY_TEXT)
    more: tuple[Block, ...] = ()
    aftercare: Aftercare | None = None
    # What the results page's "What to do next" asks for this pattern, most urgent first.
    actions: tuple[ActionRef, ...] = ()
    # An urgent pattern shown one level lower ("talk soon") when this holds: what makes it
    # urgent for most people is not so for this one (say, a rare use long past).
    lower_when: Condition | None = None

    @property
    def rank(self) -> int:
        """Return the urgency rank (0 is the most urgent)."""
        return LEVELS.index(self.level)

    @property
    def interrupts(self) -> bool:
        """Tell whether this finding stops the questions as soon as it fires."""
        return self.level == "emergency" or self.interrupt


@dataclass(frozen=True)
class LearnPage:
    """A short page that explains one idea."""

    id: str
    title: str
    summary: str
    body: tuple[Block, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Resource:
    """A free, public helpline or service."""

    id: str
    name: str
    phone: str
    tty: str
    text: str
    sms: str
    access: str
    url: str
    hours: str
    languages: str
    cost: str
    what_happens: str
    region: str
    sources: tuple[Source, ...]
    # How to reach the line in the page's language when it is not the line's first one (set
    # from `in_language` for that language only): what to say or press on a call, the word a
    # text opens with, and what a text reaches ("English only").
    call_note: str = ""
    sms_body: str = ""
    sms_note: str = ""

    @property
    def tel(self) -> str:
        """Return the phone number as a tel: URI target."""
        return tel_uri(self.phone)

    @property
    def tty_tel(self) -> str:
        """Return the TTY number as a tel: URI target."""
        return tel_uri(self.tty)

    @property
    def sms_uri(self) -> str:
        """Return the number to text as an sms: URI target."""
        digits = re.sub(r"[^0-9]", "", self.sms)
        if not digits:
            return ""
        # "?&body=" opens the message with the word on both Android and iOS.
        return f"sms:{digits}?&body={self.sms_body}" if self.sms_body else f"sms:{digits}"


def tel_uri(number: str) -> str:
    """Turn a printed phone number into a tel: URI target."""
    digits = re.sub(r"[^0-9+]", "", number)
    return f"tel:{digits}" if digits else ""


@dataclass(frozen=True)
class Audience:
    """Who is answering."""

    id: str
    label: str
    hint: str


@dataclass(frozen=True)
class Bank:
    """The whole question bank, immutable once loaded."""

    version: int
    fingerprint: str
    audiences: tuple[Audience, ...]
    areas: tuple[Area, ...]
    sections: tuple[Section, ...]
    findings: tuple[Finding, ...]
    learn: Mapping[str, LearnPage]
    resources: Mapping[str, Resource]
    default_resources: tuple[str, ...]
    questions: Mapping[str, Question] = field(repr=False)
    section_index: Mapping[str, int] = field(repr=False)
    facts: Mapping[str, Fact] = field(repr=False, default_factory=lambda: MappingProxyType({}))
    # What "What to do next" can say, by action id (actions.py)
    actions: Mapping[str, ActionWords] = field(repr=False, default_factory=lambda: MappingProxyType({}))

    @property
    def endings(self) -> tuple[Finding, ...]:
        """Return the findings that end the questions when they fire."""
        return tuple(f for f in self.findings if f.ends)

    @cached_property
    def audience_ids(self) -> frozenset[str]:
        """Return the ids of the audiences."""
        return frozenset(a.id for a in self.audiences)

    def structure(self) -> tuple[Any, ...]:
        """Everything but the words: ids, types, values, conditions, links and numbers.

        A bank in another language must have exactly the same structure as the English one.
        """
        return (
            self.version,
            self.fingerprint,
            tuple(a.id for a in self.audiences),
            tuple((a.id, a.when, a.note_when) for a in self.areas),
            tuple((s.id, s.when, tuple(q.structure() for q in s.questions)) for s in self.sections),
            tuple(
                (f.id, f.level, f.when, f.lower_when, f.audiences, f.learn, f.resources, f.sources, f.ends)
                + (f.interrupt,)
                + tuple(p.when for p in f.parts)
                for f in self.findings
            ),
            tuple((p.id, p.sources) for p in self.learn.values()),
            # Not the address: a language may link the line's own page in that language.
            tuple((r.id, r.phone, r.tty, r.sms, r.region, r.sources) for r in self.resources.values()),
            self.default_resources,
        )

    def summary(self) -> str:
        """Return a one-line description of the bank."""
        counts = ", ".join(
            f"{a.id} {sum(len(s.for_audience(a.id)) for s in self.sections)}" for a in self.audiences
        )
        return (
            f"{len(self.audiences)} audiences, {len(self.sections)} sections, "
            f"{len(self.questions)} questions ({counts}), {len(self.findings)} findings, "
            f"{len(self.learn)} learn pages, {len(self.resources)} resources"
        )
