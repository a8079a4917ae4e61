"""What the results page says first: a plain meaning, a few actions, help that fits the reader.

Pure Python (no Flask): a Report and the person's answers in, a Plan out. The words of each
action are the bank's (`actions:`, per audience and region); the sentences that sum up the
answers live here, once; templates only lay them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .bank import AllOf, AnswerIs, Bank, Condition, Resource, Source
from .regions import Region
from .rules import Answers, FindingResult, Report, Trigger
from .words import N_, _, ngettext

# --- actions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One thing to do next, with its own call, text or link button."""

    key: str
    title: str
    detail: str
    resource: Resource | None = None
    learn: str | None = None  # a learn page to open, when there is no number
    link_text: str = ""


def _action(key: str, audience: str, region: Region, bank: Bank) -> Action | None:
    """The bank's words for one action (None: not for this reader, or no such line here)."""
    words = bank.actions[key]
    if not words.title.has(audience):
        return None
    title, detail = words.title.get(audience), words.text.get(audience)
    if words.learn is not None:
        return Action(key, title, detail, learn=words.learn, link_text=words.link_text)
    resource_id = {
        "crisis": region.crisis,
        "emergency": region.emergency,
        "talk": region.talk,
        "spotter": region.spotter,
    }[str(words.call)]
    if resource_id is None:
        return None
    return Action(key, title, detail, resource=bank.resources[resource_id])


def actions(
    report: Report, audience: str, region: Region, bank: Bank, most: int = 3, call_apart: bool = False
) -> tuple[Action, ...]:
    """Return one to three of the report's actions, most urgent first, in this reader's words.

    With `call_apart` (the client's printed copy), the line to call comes after the three
    instead of taking the third one's place: on paper, the step to act on is kept.
    """
    chosen = [a for key in report.actions if (a := _action(key, audience, region, bank)) is not None]
    chosen = chosen[:most]
    # Someone to call is always among them: a frightened reader needs a number, not only a page.
    if not any(a.resource for a in chosen):
        talk = _action("talk", audience, region, bank)
        assert talk is not None
        chosen = (chosen if call_apart else chosen[: most - 1]) + [talk]
    return tuple(chosen)


# --- what the answers show --------------------------------------------------------------

# What the answers show, in whole sentences (so each language can order its own words).
NOTHING = {
    "self": N_("Your answers did not match the patterns this check looks for."),
    "other": N_("What you told us did not match the patterns this check looks for."),
    "counselor": N_("The client’s answers did not match the patterns this check looks for."),
}
NUMBERS = (
    N_("no"),
    N_("one"),
    N_("two"),
    N_("three"),
    N_("four"),
    N_("five"),
    N_("six"),
    N_("seven"),
    N_("eight"),
    N_("nine"),
    N_("ten"),
)


def _number(n: int) -> str:
    return _(NUMBERS[n]) if n < len(NUMBERS) else str(n)


def _patterns(n: int, audience: str) -> str:
    words = _number(n)
    if audience == "self":
        return ngettext(
            "Your answers show one pattern worth talking about",
            "Your answers show %(words)s patterns worth talking about",
            n,
            words=words,
        )
    if audience == "other":
        return ngettext(
            "What you have seen or been told shows one pattern worth talking about",
            "What you have seen or been told shows %(words)s patterns worth talking about",
            n,
            words=words,
        )
    return ngettext(
        "The client’s answers show one pattern worth exploring",
        "The client’s answers show %(words)s patterns worth exploring",
        n,
        words=words,
    )


def meaning(report: Report, audience: str) -> str:
    """Say in one plain sentence what the answers show: how many patterns, how pressing."""
    findings = report.findings
    if not findings:
        return _(NOTHING[audience])
    sentence = _patterns(len(findings), audience)
    urgent = sum(1 for f in findings if f.level in {"emergency", "urgent"})
    if not urgent:
        return _("%(sentence)s.", sentence=sentence)
    if len(findings) == 1:
        return _("%(sentence)s, and it needs action today.", sentence=sentence)
    return ngettext(
        "%(sentence)s, and one of them needs action today.",
        "%(sentence)s, and %(words)s of them need action today.",
        urgent,
        sentence=sentence,
        words=_number(urgent),
    )


# --- help that fits the reader ----------------------------------------------------------

# US order of helplines by who is reading and their situation; others keep the report's order.
HELP_ORDER: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "other": ("samhsa_helpline", "findtreatment", "lifeline_988", "poison_help", "never_use_alone"),
        "carer": ("poison_help", "lifeline_988", "samhsa_helpline", "findtreatment"),
        "buying": ("never_use_alone", "samhsa_helpline", "findtreatment", "lifeline_988"),
        "self": ("samhsa_helpline", "findtreatment", "lifeline_988", "never_use_alone"),
        "counselor": ("samhsa_helpline", "findtreatment", "lifeline_988", "never_use_alone"),
    }
)
STREET = frozenset({"street_pills", "heroin", "street", "moud_street"})
# A family member who saw confusion, heavy sleepiness or an extra dose after a prescribed medicine.
MEDICINE_TROUBLE = frozenset({"confused", "very_sleepy", "extra_dose"})


def _chosen(answers: Answers, question_id: str) -> tuple[str, ...]:
    answer = answers.get(question_id, ())
    return answer if isinstance(answer, tuple) else (answer,)


def situation(answers: Answers, audience: str) -> str:
    """Name the reader's situation: "buying", "prescribed_pain", "carer", or the audience itself."""
    if audience == "other" and MEDICINE_TROUBLE.intersection(_chosen(answers, "med_effects")):
        return "other" if STREET.intersection(_chosen(answers, "what_used")) else "carer"
    if audience != "self":
        return audience
    if STREET.intersection(_chosen(answers, "what_used")) or answers.get("others_pills") == "yes":
        return "buying"
    if answers.get("has_prescription") == "yes" and answers.get("takes_for_pain") == "yes":
        return "prescribed_pain"
    return "self"


def helplines(
    report: Report, answers: Answers, audience: str, region: Region, bank: Bank
) -> tuple[Resource, ...]:
    """Return the report's helplines for this reader and region: the region's first, each once."""
    ids = list(region.lead)
    now = situation(answers, audience)
    # A carer of someone on prescribed pills is not sent to a line for people who use drugs alone.
    kept = [r for r in report.resources if not (now == "carer" and r.id == "never_use_alone")]
    ids += [local for r in kept if (local := region.local(r.id)) is not None]
    order = HELP_ORDER.get(now, HELP_ORDER["self"])
    if region.code == "US":
        ids.sort(key=lambda rid: order.index(rid) if rid in order else len(order))
    if "crisis" in report.actions:  # thoughts of suicide: the crisis line first, wherever it is
        ids.sort(key=lambda rid: rid != region.crisis)
    return tuple(bank.resources[rid] for rid in dict.fromkeys(ids))


# --- the cards --------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """A pattern as a compact card: one line shown, the rest behind a native disclosure."""

    result: FindingResult
    line: str
    rest: str
    steps: tuple[str, ...]
    why: tuple[Trigger, ...]
    sources: tuple[int, ...]  # numbers in the page's one list of sources


# A sentence ends at . ! or ? before a capital (or Spanish ¿ ¡, or an accented capital).
FIRST_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡])")


def _direct_questions(condition: Condition) -> set[str]:
    """Return the questions a condition tests at its top level (the sign itself)."""
    if isinstance(condition, AnswerIs):
        return {condition.question}
    if isinstance(condition, AllOf):
        return {item.question for item in condition.items if isinstance(item, AnswerIs)}
    return set()


def why(result: FindingResult, answers: Answers) -> tuple[Trigger, ...]:
    """Return the answers that point to a pattern: a "No" only when it is the sign itself."""
    direct = _direct_questions(result.finding.when)
    return tuple(t for t in result.triggers if answers.get(t.question_id) != "no" or t.question_id in direct)


class SourceList:
    """Every source on a page once, numbered in the order first cited."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.sources: list[Source] = []

    def cite(self, sources: Iterable[Source]) -> tuple[int, ...]:
        numbers = []
        for source in sources:
            if source.url not in self.numbers:
                self.sources.append(source)
                self.numbers[source.url] = len(self.sources)
            numbers.append(self.numbers[source.url])
        return tuple(dict.fromkeys(numbers))


@dataclass(frozen=True)
class Plan:
    """Everything the results page lays out, in order."""

    meaning: str
    actions: tuple[Action, ...]
    cards: tuple[Card, ...]
    aftercare_sources: Mapping[str, tuple[int, ...]]
    helplines: tuple[Resource, ...]
    helpline_sources: Mapping[str, tuple[int, ...]]
    sources: tuple[Source, ...]
    situation: str
    many_unsure: bool
    # The first this many sources back the patterns and after-care; the rest, the helplines.
    pattern_sources: int = 0


MANY_UNSURE = 5  # of some forty answers: fewer are counted plainly, not called "many"


def build(
    report: Report, answers: Answers, audience: str, region: Region, bank: Bank, call_apart: bool = False
) -> Plan:
    """Build the results page's plan from a report and the answers behind it."""
    cited = SourceList()
    aftercare = {care.id: cited.cite(care.finding.sources) for care in report.aftercare}
    cards: list[Card] = []
    said: set[str] = set()
    for result in report.findings:
        line, *more = FIRST_SENTENCE.split(result.explanation, maxsplit=1)
        rest = more[0] if more else ""
        # A step several patterns share is said once, under the first (most urgent) of them.
        steps = tuple(step for step in result.steps if step not in said)
        said.update(result.steps)
        cards.append(
            Card(result, line, rest, steps, why(result, answers), cited.cite(result.finding.sources))
        )
    pattern_sources = len(cited.sources)
    lines = helplines(report, answers, audience, region, bank)
    line_sources = {r.id: cited.cite(r.sources) for r in lines}
    return Plan(
        meaning=meaning(report, audience),
        actions=actions(report, audience, region, bank, call_apart=call_apart),
        cards=tuple(cards),
        aftercare_sources=MappingProxyType(aftercare),
        helplines=lines,
        helpline_sources=MappingProxyType(line_sources),
        sources=tuple(cited.sources),
        situation=situation(answers, audience),
        many_unsure=report.unsure >= MANY_UNSURE,
        pattern_sources=pattern_sources,
    )
