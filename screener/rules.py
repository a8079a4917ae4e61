"""The non-diagnostic rules engine: answers in, patterns worth talking about out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .bank import LEVELS, UNSURE, ActionRef, Bank, Condition, Finding, Question, Resource, Section

# The engine's words for answers and truth, and `truth` itself, live with the operators.
from .bank.conditions import Answer as Answer
from .bank.conditions import Answers as Answers
from .bank.conditions import Memo as Memo
from .bank.conditions import Truth as Truth
from .bank.conditions import supporting
from .bank.conditions import truth as truth


@dataclass(frozen=True)
class Trigger:
    """An answer that helped a finding or area fire."""

    question_id: str
    question: str
    answer: str  # in the audience's words and the bank's language
    is_yes: bool = False  # the answer was "yes" (the counselor's printout leaves those out)


@dataclass(frozen=True)
class FindingResult:
    """A finding that fired, in the audience's words, with the answers behind it."""

    finding: Finding
    title: str
    explanation: str
    steps: tuple[str, ...]
    triggers: tuple[Trigger, ...]
    lowered: bool = False  # the finding's `lower_when` holds: shown one level lower

    @property
    def id(self) -> str:
        """Return the finding's id."""
        return self.finding.id

    @property
    def level(self) -> str:
        """Return the level shown: the finding's, or the next one down when lowered."""
        return LEVELS[self.rank]

    @property
    def rank(self) -> int:
        """Return the urgency rank shown (0 is the most urgent)."""
        return self.finding.rank + self.lowered


@dataclass(frozen=True)
class AftercareResult:
    """A calm "earlier you told us" note for an interrupt the person has gone on past."""

    finding: Finding
    title: str
    text: str
    steps: tuple[str, ...]

    @property
    def id(self) -> str:
        """Return the finding's id."""
        return self.finding.id


@dataclass(frozen=True)
class AreaResult:
    """An area with reported signs, to explore in a full assessment."""

    id: str
    name: str
    note: str
    triggers: tuple[Trigger, ...]


@dataclass(frozen=True)
class Report:
    """What the engine concludes from one set of answers for one audience."""

    audience: str
    findings: tuple[FindingResult, ...]
    answered: int
    unsure: int
    areas: tuple[AreaResult, ...]
    unclear_areas: tuple[str, ...]
    resources: tuple[Resource, ...]
    aftercare: tuple[AftercareResult, ...] = ()
    # What the findings (after-care first) ask the reader to do, in order, each once: the keys of
    # the actions whose conditions fit these answers.
    actions: tuple[str, ...] = ()

    @property
    def emergencies(self) -> tuple[FindingResult, ...]:
        """Return the findings that must interrupt everything."""
        return tuple(f for f in self.findings if f.level == "emergency")

    @property
    def ending(self) -> FindingResult | None:
        """Return the finding that ended the questions early, if one did."""
        return next((f for f in self.findings if f.finding.ends), None)

    @property
    def interrupts(self) -> tuple[FindingResult, ...]:
        """Return the findings that stop the questions until the person chooses to go on."""
        return tuple(f for f in self.findings if f.finding.interrupts)


# --- answers --------------------------------------------------------------------------


def clean_answer(question: Question, raw: Any) -> Answer | None:
    """Return a valid answer for the question, or None when `raw` is not one."""
    if question.type == "multi":
        if isinstance(raw, str):
            raw = (raw,)
        if not isinstance(raw, list | tuple) or not raw:
            return None
        if not all(isinstance(v, str) and v in question.values for v in raw):
            return None
        chosen = tuple(v for v in (o.value for o in question.all_options) if v in raw)
        if question.none and question.none.value in chosen and len(chosen) > 1:
            return None
        return chosen
    if isinstance(raw, str) and raw in question.values:
        return raw
    return None


def shown(condition: Condition | None, answers: Answers) -> bool:
    """Tell whether skip logic shows something: true or unknown shows it (if unsure, ask)."""
    return condition is None or truth(condition, answers) is not False


def ended(bank: Bank, answers: Answers, audience: str) -> bool:
    """Tell whether an ending finding (like "no opioids used") stops the questions here."""
    return any(audience in f.audiences and truth(f.when, answers) is True for f in bank.endings)


def visible_sections(
    bank: Bank, answers: Answers, audience: str
) -> list[tuple[Section, tuple[Question, ...]]]:
    """Return the sections and questions this audience is asked, given the answers so far."""
    result = []
    for section in bank.sections:
        questions = section.for_audience(audience)
        if not questions or not shown(section.when, answers):
            continue
        asked = tuple(q for q in questions if shown(q.when, answers))
        if asked:
            result.append((section, asked))
            if ended(
                bank, {q.id: answers[q.id] for _, qs in result for q in qs if q.id in answers}, audience
            ):
                break
    return result


def relevant_answers(bank: Bank, raw: Mapping[Any, Any], audience: str) -> dict[str, Answer]:
    """Keep only valid answers to questions this audience is asked, given skip logic.

    Answers to questions that skip logic now hides (after a "Change") are dropped, and
    unknown ids, unknown values and wrong types are ignored, never trusted.
    """
    kept: dict[str, Answer] = {}
    for section in bank.sections:
        questions = section.for_audience(audience)
        if not questions or not shown(section.when, kept):
            continue
        # A rule may only use earlier sections, so this section's answers can wait.
        for question in questions:
            if not shown(question.when, kept) or question.id not in raw:
                continue
            answer = clean_answer(question, raw[question.id])
            if answer is not None:
                kept[question.id] = answer
        if ended(bank, kept, audience):
            break
    return kept


def describe_answer(question: Question, answer: Answer, audience: str) -> str:
    """Return an answer in words, as the person saw the options."""
    values = answer if isinstance(answer, tuple) else (answer,)
    labels = []
    for value in values:
        option = question.option(value)
        labels.append(option.label.get(audience) if option else value)
    return ", ".join(labels)


class _Triggers:
    """The answers behind each condition of one evaluation, each described once."""

    def __init__(self, bank: Bank, answers: Answers, audience: str, memo: Memo) -> None:
        self.bank, self.answers, self.audience, self.memo = bank, answers, audience, memo
        self.described: dict[str, Trigger] = {}

    def __call__(self, condition: Condition) -> tuple[Trigger, ...]:
        found: dict[str, Trigger] = {}
        for qid in supporting(condition, self.answers, self.memo):
            if qid in found or qid not in self.answers:
                continue
            trigger = self.described.get(qid)
            if trigger is None:
                question = self.bank.questions[qid]
                answer = describe_answer(question, self.answers[qid], self.audience)
                trigger = self.described[qid] = Trigger(
                    qid, question.text.get(self.audience), answer, self.answers[qid] == "yes"
                )
            found[qid] = trigger
        return tuple(found.values())


# --- the report -----------------------------------------------------------------------


def _result(finding: Finding, kept: Answers, audience: str, triggers: _Triggers) -> FindingResult:
    """Word a fired finding for the audience, with only the parts these answers call for."""
    parts = [part for part in finding.parts if truth(part.when, kept, triggers.memo) is True]
    explanation = " ".join(
        text
        for text in [finding.explanation.get(audience)] + [part.explanation.get(audience) for part in parts]
        if text
    )
    steps = finding.steps.get(audience) + tuple(step for part in parts for step in part.steps.get(audience))
    return FindingResult(
        finding=finding,
        title=finding.title.get(audience),
        explanation=explanation,
        steps=steps,
        triggers=triggers(finding.when),
        lowered=finding.lower_when is not None and truth(finding.lower_when, kept, triggers.memo) is True,
    )


def due_interrupts(bank: Bank, answers: Mapping[Any, Any], audience: str) -> tuple[Finding, ...]:
    """Return the findings that stop the questions, as `evaluate` would, without the report."""
    _check_audience(bank, audience)
    return interrupts_in(bank, relevant_answers(bank, answers, audience), audience)


def interrupts_in(bank: Bank, kept: Answers, audience: str) -> tuple[Finding, ...]:
    """Return the interrupts that fire on answers `relevant_answers` has already kept.

    Every page asks this to decide where to go next; only the results page needs the rest.
    """
    memo: Memo = {}
    due = [
        finding
        for finding in bank.findings
        if finding.interrupts and audience in finding.audiences and truth(finding.when, kept, memo) is True
    ]
    return tuple(sorted(due, key=lambda finding: finding.rank))


def _check_audience(bank: Bank, audience: str) -> None:
    if audience not in bank.audience_ids:
        raise ValueError(f"unknown audience {audience!r}")


def evaluate(bank: Bank, answers: Mapping[Any, Any], audience: str, continued: Iterable[str] = ()) -> Report:
    """Evaluate every rule for an audience; unknown ids and values in `answers` are ignored.

    `continued` names the interrupts the person has already seen and gone on past: those
    with after-care wording come back as a calm note, not as an alarm that is still happening.
    """
    _check_audience(bank, audience)
    return report_on(bank, relevant_answers(bank, answers, audience), audience, continued)


def _fits(ref: ActionRef, answers: Answers, memo: Memo) -> bool:
    """Whether an action fits the answers: its `when` is true and its `unless` is not."""
    return (ref.when is None or truth(ref.when, answers, memo) is True) and (
        ref.unless is None or truth(ref.unless, answers, memo) is not True
    )


def report_on(bank: Bank, kept: Answers, audience: str, continued: Iterable[str] = ()) -> Report:
    """Evaluate every rule on answers `relevant_answers` has already kept (see `evaluate`)."""
    memo: Memo = {}
    triggers = _Triggers(bank, kept, audience, memo)
    fired = [
        _result(finding, kept, audience, triggers)
        for finding in bank.findings
        if audience in finding.audiences and truth(finding.when, kept, memo) is True
    ]
    fired.sort(key=lambda result: result.rank)  # stable: file order within a level
    seen = set(continued)
    aftercare = tuple(
        AftercareResult(
            r.finding, care.title.get(audience), care.text.get(audience), care.steps.get(audience)
        )
        for r in fired
        if (care := r.finding.aftercare) is not None and r.finding.interrupts and r.id in seen
    )
    cared = {a.id for a in aftercare}
    fired = [r for r in fired if r.id not in cared]
    areas, unclear = [], []
    for area in bank.areas:
        result = truth(area.when, kept, memo)
        if result is True:
            areas.append(AreaResult(area.id, area.name, area.note, triggers(area.when)))
        elif result is None:
            unclear.append(area.name)
    resource_ids = [rid for a in aftercare for rid in a.finding.resources]
    resource_ids += [rid for f in fired for rid in f.finding.resources] + list(bank.default_resources)
    resources = tuple(bank.resources[rid] for rid in dict.fromkeys(resource_ids))
    unsure = sum(1 for a in kept.values() if UNSURE in (a if isinstance(a, tuple) else (a,)))
    asking = [a.finding for a in aftercare] + [f.finding for f in fired]
    actions = [ref.key for finding in asking for ref in finding.actions if _fits(ref, kept, memo)]
    return Report(
        audience=audience,
        findings=tuple(fired),
        answered=len(kept),
        unsure=unsure,
        areas=tuple(areas),
        unclear_areas=tuple(unclear),
        resources=resources,
        aftercare=aftercare,
        actions=tuple(dict.fromkeys(actions)),
    )
