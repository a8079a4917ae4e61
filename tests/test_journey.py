"""One request's journey: worked out once, by a pure function, and each page evaluates once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from screener import intake, rules, views
from screener import journey as journey_module
from screener.bank import AUDIENCES, load
from screener.journey import Next, journey
from tests.helpers import HEAVY_BUYER, HEAVY_PARENT, Walker, heaviest_answers, make_app
from tests.test_engine_properties import answer_strategy

BANK = load()
FIRST = BANK.sections[0]
SAFE = {q.id: "no" for q in FIRST.questions}

# (name, audience, answers, acknowledged, the next step)
CASES = [
    ("nothing answered", "self", {}, (), Next("section", "safety")),
    ("safety answered", "self", SAFE, (), Next("section", "substances")),
    ("overdose now", "self", {**SAFE, "overdose_signs_now": "yes"}, (), Next("now", "overdose_now")),
    (
        "overdose seen, gone on",
        "self",
        {**SAFE, "overdose_signs_now": "yes"},
        ("overdose_now",),
        Next("section", "substances"),
    ),
    (
        "two interrupts, the first gone past",
        "other",
        {**SAFE, "overdose_signs_now": "yes", "suicide_thoughts_q": "now"},
        ("overdose_now",),
        Next("now", "suicide_thoughts"),
    ),
    ("no opioids used", "self", {**SAFE, "what_used": ("none",)}, (), Next("check_answers")),
    # A page with some answers but not all (after a Change reveals a question there) is not done.
    (
        "safety partly answered",
        "self",
        {q: a for q, a in SAFE.items() if q != "took_too_much"},
        (),
        Next("section", "safety"),
    ),
]


@pytest.mark.parametrize(
    ("audience", "answers", "acknowledged", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_next_step(
    audience: str, answers: dict[str, Any], acknowledged: tuple[str, ...], expected: Next
) -> None:
    path = journey(BANK, audience, answers, acknowledged)
    assert path.next == expected
    assert path.finished == (expected.page == "check_answers")
    # The results page's way (from the full report) agrees with every other page's.
    assert journey(BANK, audience, answers, acknowledged, report=True).next == expected


def test_steps_place_and_kept_answers() -> None:
    path = journey(
        BANK, "self", {**SAFE, "what_used": ("none",), "not_a_question": "yes", "craving": "maybe"}
    )
    assert [s.id for s, _ in path.steps] == ["safety", "substances"]
    assert path.place("substances") == 1
    assert path.place("pain") is None  # not asked: the check ended
    asked = {q.id: "no" for q in FIRST.for_audience("self")}  # with_them_now is for others
    assert dict(path.answers) == {**asked, "what_used": ("none",)}
    assert path.report is None


@pytest.mark.parametrize("audience", AUDIENCES)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_the_journey_agrees_with_the_engine(audience: str, data: Any) -> None:
    raw = data.draw(answer_strategy(BANK, audience))
    seen = data.draw(st.sets(st.sampled_from([f.id for f in BANK.findings if f.interrupts])))
    path = journey(BANK, audience, raw, seen, report=True)
    assert path.answers == rules.relevant_answers(BANK, raw, audience)
    assert list(path.steps) == rules.visible_sections(BANK, path.answers, audience)
    assert path.report == rules.evaluate(BANK, raw, audience, continued=seen)
    assert path.next == journey(BANK, audience, raw, seen).next


def counting(monkeypatch: pytest.MonkeyPatch, counts: Counter[str]) -> None:
    """Count the engine's passes over the answers, wherever a module holds them."""

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return function(*args, **kwargs)

        return counted

    for name in ("evaluate", "report_on", "relevant_answers", "visible_sections", "due_interrupts"):
        original = getattr(rules, name)
        for module in (rules, journey_module, intake, views):
            if getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, wrap(name, original))


@pytest.fixture
def app() -> Flask:
    return make_app(WTF_CSRF_ENABLED=False)


@pytest.mark.parametrize(
    ("audience", "answers"),
    [("self", HEAVY_BUYER), ("other", HEAVY_PARENT), ("counselor", heaviest_answers(BANK))],
    ids=["self", "other", "counselor"],
)
def test_results_evaluate_the_rules_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch, audience: str, answers: dict[str, Any]
) -> None:
    client = app.test_client()
    Walker(client).complete(audience, answers)
    counts: Counter[str] = Counter()
    counting(monkeypatch, counts)
    assert client.get("/results").status_code == 200
    assert counts["evaluate"] + counts["report_on"] == 1, counts
    assert counts["visible_sections"] == 1, counts
    assert counts["due_interrupts"] == 0, counts
    # Skip logic runs once for the page; the counselor's intake record cleans its own input.
    assert counts["relevant_answers"] == (2 if audience == "counselor" else 1), counts


def test_the_length_is_counted_from_the_words_a_person_reads_and_the_answers_they_give() -> None:
    """200 more words to read on a page add a minute; a question adds its words and 4 seconds."""
    import copy as copying

    from screener.bank import parse
    from tests.test_bank import mini

    data = mini()
    questions, minutes = journey_module.size(parse(data), "self")
    longer = copying.deepcopy(data)
    longer["sections"][0]["intro"] = " ".join(["word"] * journey_module.WORDS_PER_MINUTE)
    assert journey_module.size(parse(longer), "self") == (questions, minutes + 1)
    assert journey_module.size(parse(data), "nobody") == (0, 1)
