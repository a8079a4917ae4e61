"""Properties of the engine over the whole shipped bank, for every audience."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.bank import (
    AUDIENCES,
    DEFAULT_PATH,
    AllOf,
    Answered,
    AnswerIs,
    AnyOf,
    AtLeast,
    Bank,
    Given,
    IsFact,
    Not,
    load,
)
from screener.rules import Report, clean_answer, due_interrupts, evaluate, relevant_answers, visible_sections

BANK = load()
# Words and phrases this product must never show: diagnostic, stigmatizing or falsely reassuring.
FORBIDDEN = [
    r"\byou have\b",
    r"\byou are addicted\b",
    r"\baddicts?\b",
    r"\babusers?\b",
    r"\bjunkies?\b",
    r"\bdiagnosis of\b",
    r"\b(mild|moderate|severe)\b[^.]{0,30}\buse disorder\b",
    r"\buse disorder\b[^.]{0,20}\b(mild|moderate|severe)\b",
    r"\byou are fine\b",
    r"\bnothing to worry about\b",
    r"\bclean\b",
    r"\bdirty\b",
    r"\bdrug abuse\b",
    r"\bdrug[- ]seeking\b",
    r"\breplacement therapy\b",
    r"\bsubstitution therapy\b",
    r"\brelaps(e|es|ed|ing)\b",
    r"\baddicted to\b",
]
MAX_GRADE = 8.0
# Names of medicines and conditions: long words that say exactly what they mean.
NAMES = [
    "opioid-induced hyperalgesia",
    "hyperalgesia",
    "buprenorphine",
    "naltrexone",
    "methadone",
    "naloxone",
    "fentanyl",
    "benzodiazepines",
    "benzodiazepine",
    "oxycodone",
    "hydrocodone",
    "allodynia",
    "morphine",
    "codeine",
    "heroin",
    "gabapentin",
    "opioids",
    "opioid",
    "medication",
    "medications",
    "medicines",
    "medicine",
    "prescription",
    "prescribed",
    "prescriber",
    "withdrawal",
    "tolerance",
    "dependence",
    "counselor",
    "counseling",
    "disorder",
    "substance",
    "overdose",
    "emergency",
    "Narcan",
]


def answer_strategy(bank: Bank, audience: str) -> st.SearchStrategy[dict[str, Any]]:
    """Any answers the bank allows for an audience, plus random garbage."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for question in bank.questions.values():
        if audience not in question.audiences:
            continue
        values = [o.value for o in question.options]
        if question.type == "multi":
            choice = st.one_of(
                st.lists(st.sampled_from(values), min_size=1, unique=True).map(tuple),
                st.just((question.none.value,)) if question.none else st.nothing(),
            )
        else:
            choice = st.sampled_from(values)
        fields[question.id] = st.one_of(st.none(), choice)
    garbage = st.dictionaries(
        st.one_of(st.text(max_size=20), st.integers()),
        st.one_of(st.text(max_size=20), st.integers(), st.lists(st.text(max_size=5)), st.none()),
        max_size=5,
    )
    return st.builds(
        lambda answers, extra: {**extra, **{k: v for k, v in answers.items() if v is not None}},
        st.fixed_dictionaries(fields),
        garbage,
    )


def report_text(report: Report) -> Iterator[str]:
    for result in report.findings:
        yield result.title
        yield result.explanation
        yield from result.steps
    for area in report.areas:
        yield area.name
        yield area.note


def forbidden_in(text: str) -> list[str]:
    return [p for p in FORBIDDEN if re.search(p, text, flags=re.IGNORECASE)]


@pytest.mark.parametrize("audience", AUDIENCES)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_evaluate_never_raises_and_cites_only_answered_questions(audience: str, data: Any) -> None:
    raw = data.draw(answer_strategy(BANK, audience))
    report = evaluate(BANK, raw, audience)
    kept = relevant_answers(BANK, raw, audience)
    for result in report.findings:
        assert result.triggers, f"{result.id} fired with no answer behind it"
        for trigger in result.triggers:
            assert trigger.question_id in kept
            assert audience in BANK.questions[trigger.question_id].audiences
    for area in report.areas:
        assert all(t.question_id in kept for t in area.triggers)
    for text in report_text(report):
        assert not forbidden_in(text), text
    levels = [r.finding.rank for r in report.findings]
    assert levels == sorted(levels)
    assert report.unsure <= report.answered == len(kept)
    assert len({r.id for r in report.resources}) == len(report.resources)
    # The short cut every page takes agrees with the full report.
    assert due_interrupts(BANK, raw, audience) == tuple(r.finding for r in report.interrupts)


# Real question ids with values of any other kind than an answer's (text, a list or a tuple).
NOT_ANSWERS = st.from_type(object).filter(lambda v: not isinstance(v, str | list | tuple))


@given(st.dictionaries(st.sampled_from(list(BANK.questions)), NOT_ANSWERS, max_size=10))
def test_values_of_the_wrong_kind_are_ignored(raw: dict[str, Any]) -> None:
    report = evaluate(BANK, raw, "self")
    assert report.answered == 0
    assert report.findings == ()


def test_an_unknown_audience_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audience"):
        evaluate(BANK, {}, "parent")


def bank_texts() -> Iterator[tuple[str, str]]:
    """Every piece of text a user can see, with where it lives."""
    for section in BANK.sections:
        for audience in AUDIENCES:
            yield f"{section.id}.title.{audience}", section.title.get(audience)
            yield f"{section.id}.intro.{audience}", section.intro.get(audience)
        for q in section.questions:
            yield f"{q.id}.ask", q.spoken
            for audience in q.audiences:
                yield f"{q.id}.text.{audience}", q.text.get(audience)
                yield f"{q.id}.hint.{audience}", q.hint.get(audience)
                for o in q.all_options:
                    yield f"{q.id}.{o.value}.{audience}", o.label.get(audience)
    for f in BANK.findings:
        for audience in f.audiences:
            yield f"{f.id}.title.{audience}", f.title.get(audience)
            yield f"{f.id}.explanation.{audience}", f.explanation.get(audience)
            for i, step in enumerate(f.steps.get(audience)):
                yield f"{f.id}.steps[{i}].{audience}", step
            for j, part in enumerate(f.parts):
                yield f"{f.id}.parts[{j}].explanation.{audience}", part.explanation.get(audience)
                for i, step in enumerate(part.steps.get(audience)):
                    yield f"{f.id}.parts[{j}].steps[{i}].{audience}", step
    for page in BANK.learn.values():
        yield f"learn.{page.id}.summary", page.summary
        for i, block in enumerate(page.body):
            yield f"learn.{page.id}.body[{i}]", " ".join([block.text, *block.items])
    for r in BANK.resources.values():
        yield f"resources.{r.id}.what_happens", r.what_happens


def test_no_forbidden_wording_anywhere_in_the_bank() -> None:
    hits = [(where, text) for where, text in bank_texts() if forbidden_in(text)]
    assert not hits


def test_every_step_and_sentence_starts_like_one() -> None:
    # A comma inside a YAML flow list ([a, b]) splits one step into two: catch that here.
    broken = [
        (where, text)
        for where, text in bank_texts()
        if ".steps[" in where and text and not re.match(r"^[A-Z0-9“\"(]", text)
    ]
    assert not broken


def test_no_paid_call_routing_numbers() -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert "994-1867" not in text and "780-9619" not in text


def grade(text: str) -> float:
    for name in sorted(NAMES, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "drug", text, flags=re.IGNORECASE)
    return float(textstat.flesch_kincaid_grade(text))


def graded_texts() -> Iterator[tuple[str, str]]:
    for q in BANK.questions.values():
        yield f"{q.id}.ask", q.spoken
        for audience in q.audiences:
            yield f"{q.id}.text.{audience}", q.text.get(audience)
    for f in BANK.findings:
        for audience in f.audiences:
            yield f"{f.id}.explanation.{audience}", f.explanation.get(audience)
            for j, part in enumerate(f.parts):
                if part.explanation.has(audience):
                    yield f"{f.id}.parts[{j}].explanation.{audience}", part.explanation.get(audience)


def test_reading_grade_is_8_or_below() -> None:
    too_hard = {where: round(grade(text), 1) for where, text in graded_texts() if grade(text) > MAX_GRADE}
    assert not too_hard


def test_the_grade_measure_is_real() -> None:
    assert grade("Have you needed more to get the same effect?") < 6
    assert (
        grade(
            "Notwithstanding considerable interindividual heterogeneity, pharmacodynamic "
            "adaptations characteristically necessitate progressively escalating dosages."
        )
        > MAX_GRADE
    )


# --- reachability ---------------------------------------------------------------------


def satisfy(condition: Any, want: bool, answers: dict[str, Any], audience: str) -> Iterator[dict[str, Any]]:
    """Yield answer sets extending `answers` that make `condition` definitely `want`."""
    if isinstance(condition, AnswerIs | Answered):
        question = BANK.questions[condition.question]
        if audience not in question.audiences:
            if not want:
                yield answers
            return
        wanted = condition.values if isinstance(condition, AnswerIs) else question.values
        for option in question.all_options:
            hit = option.value in wanted
            # "Not sure" makes a condition unknown, unless the condition asks for it by name.
            if hit != want or (option.value == "unsure" and not hit):
                continue
            value = (option.value,) if question.type == "multi" else option.value
            current = answers.get(question.id)
            if current is None or current == value:
                yield {**answers, question.id: value}
        if not want and question.id not in answers:
            yield answers
    elif isinstance(condition, Not):
        yield from satisfy(condition.item, not want, answers, audience)
    elif isinstance(condition, Given | IsFact):
        yield from satisfy(condition.item, want, answers, audience)
    elif isinstance(condition, AnyOf | AllOf | AtLeast):
        needed = (
            1
            if isinstance(condition, AnyOf)
            else len(condition.items)
            if isinstance(condition, AllOf)
            else condition.count
        )
        if not want:
            needed = len(condition.items) - needed + 1
        yield from _pick(list(condition.items), needed, want, answers, audience)


def _pick(
    items: list[Any],
    needed: int,
    want: bool,
    answers: dict[str, Any],
    audience: str,
    budget: list[int] | None = None,
) -> Iterator[dict[str, Any]]:
    budget = budget if budget is not None else [2000]
    if needed <= 0:
        yield answers
        return
    if len(items) < needed or budget[0] <= 0:
        return
    budget[0] -= 1
    first, rest = items[0], items[1:]
    for extended in satisfy(first, want, answers, audience):
        yield from _pick(rest, needed - 1, want, extended, audience, budget)
    yield from _pick(rest, needed, want, answers, audience, budget)


def fill_gates(answers: dict[str, Any], audience: str) -> Iterator[dict[str, Any]]:
    """Make the sections and questions that hold these answers visible, if possible."""
    gates = []
    for question_id in answers:
        question = BANK.questions[question_id]
        section = next(s for s in BANK.sections if s.id == question.section)
        gates += [c for c in (section.when, question.when) if c is not None]
    if not gates:
        yield answers
        return
    yield from _pick(gates, len(gates), True, answers, audience)


def reachable(condition: Any, audience: str) -> dict[str, Any] | None:
    for candidate in satisfy(condition, True, {}, audience):
        for gated in fill_gates(candidate, audience):
            if evaluate_truth(condition, gated, audience):
                return gated
    return None


def evaluate_truth(condition: Any, answers: dict[str, Any], audience: str) -> bool:
    from screener.rules import truth

    return truth(condition, relevant_answers(BANK, answers, audience)) is True


@pytest.mark.parametrize("finding", BANK.findings, ids=lambda f: f.id)
def test_every_finding_is_reachable(finding: Any) -> None:
    found = {a: reachable(finding.when, a) for a in finding.audiences}
    assert any(found.values()), f"no answers make {finding.id} fire"
    for audience, answers in found.items():
        if answers is not None:
            assert finding.id in {r.id for r in evaluate(BANK, answers, audience).findings}


def test_every_question_is_asked_to_some_audience() -> None:
    for question in BANK.questions.values():
        gates = [
            c
            for c in (BANK.sections[BANK.section_index[question.section]].when, question.when)
            if c is not None
        ]
        shown_to = []
        for audience in question.audiences:
            for answers in _pick(gates, len(gates), True, {}, audience):
                asked = {q.id for _, qs in visible_sections(BANK, answers, audience) for q in qs}
                if question.id in asked:
                    shown_to.append(audience)
                    break
        assert shown_to, f"no audience is ever asked {question.id}"


def test_clean_answer_refuses_what_a_question_does_not_offer() -> None:
    multi = next(q for q in BANK.questions.values() if q.type == "multi" and q.none)
    assert multi.none is not None
    assert clean_answer(multi, [multi.none.value, multi.options[0].value]) is None
    assert clean_answer(multi, ["not-an-option"]) is None
    assert clean_answer(multi, []) is None
    yesno = next(q for q in BANK.questions.values() if q.type == "yesno")
    assert clean_answer(yesno, "yes") == "yes"
    assert clean_answer(yesno, ["yes"]) is None
    assert clean_answer(yesno, 1) is None
