"""The operators and the engine's bookkeeping, on the small test bank (no app needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from screener.bank import AllOf, Answered, AnswerIs, AnyOf, AtLeast, Bank, Given, Not, load, parse, read_yaml
from screener.rules import due_interrupts, evaluate, relevant_answers, truth, visible_sections

MINI = load(Path(__file__).with_name("mini_bank.yaml"))
MINI_TEXT = Path(__file__).with_name("mini_bank.yaml").read_text(encoding="utf-8")
YES = AnswerIs("for_pain", frozenset({"yes"}))
PILLS = AnswerIs("kinds", frozenset({"pills"}))
NONE = AnswerIs("kinds", frozenset({"none"}))

# (condition, answers, expected truth): None is "not known".
OPERATOR_CASES: list[tuple[Any, dict[str, Any], bool | None]] = [
    (YES, {"for_pain": "yes"}, True),
    (YES, {"for_pain": "no"}, False),
    (YES, {"for_pain": "unsure"}, None),
    (YES, {}, False),
    (AnswerIs("for_pain", frozenset({"yes", "no"})), {"for_pain": "no"}, True),
    (PILLS, {"kinds": ("pills", "powder")}, True),
    (PILLS, {"kinds": ("powder",)}, False),
    (Answered("for_pain"), {"for_pain": "unsure"}, True),
    (Answered("for_pain"), {}, False),
    (Not(YES), {"for_pain": "no"}, True),
    (Not(YES), {"for_pain": "yes"}, False),
    (Not(YES), {"for_pain": "unsure"}, None),
    (AnyOf((YES, PILLS)), {"for_pain": "unsure", "kinds": ("pills",)}, True),
    (AnyOf((YES, PILLS)), {"for_pain": "unsure", "kinds": ("powder",)}, None),
    (AnyOf((YES, PILLS)), {"for_pain": "no", "kinds": ("powder",)}, False),
    (AllOf((YES, PILLS)), {"for_pain": "yes", "kinds": ("pills",)}, True),
    (AllOf((YES, PILLS)), {"for_pain": "unsure", "kinds": ("pills",)}, None),
    (AllOf((YES, PILLS)), {"for_pain": "unsure", "kinds": ("powder",)}, False),
    (AtLeast(2, (YES, PILLS, NONE)), {"for_pain": "yes", "kinds": ("pills",)}, True),
    (AtLeast(2, (YES, PILLS, NONE)), {"for_pain": "unsure", "kinds": ("pills",)}, None),
    (AtLeast(2, (YES, PILLS, NONE)), {"for_pain": "no", "kinds": ("pills",)}, False),
    (AtLeast(1, (YES,)), {}, False),
    (Given(YES), {"for_pain": "yes"}, True),
    (Given(YES), {"for_pain": "no"}, False),
    (Given(YES), {"for_pain": "unsure"}, None),
]


@pytest.mark.parametrize(("condition", "answers", "expected"), OPERATOR_CASES)
def test_operators_use_three_valued_logic(condition: Any, answers: dict[str, Any], expected: Any) -> None:
    assert truth(condition, answers) is expected


def test_skip_logic_hides_a_section_and_drops_its_old_answers() -> None:
    raw = {"for_pain": "no", "kinds": ("pills",), "urges": "yes", "worse": "worse"}
    assert [s.id for s, _ in visible_sections(MINI, raw, "self")] == ["first"]
    assert relevant_answers(MINI, raw, "self") == {"for_pain": "no", "kinds": ("pills",)}
    assert evaluate(MINI, raw, "self").findings == ()


def test_not_sure_shows_what_depends_on_it() -> None:
    pages = visible_sections(MINI, {"for_pain": "unsure", "kinds": ("pills",)}, "self")
    assert [s.id for s, _ in pages] == ["first", "second"]


def test_a_question_left_out_for_an_audience_is_never_counted() -> None:
    raw = {"for_pain": "yes", "kinds": ("pills",), "urges": "yes", "worse": "same"}
    assert evaluate(MINI, raw, "other").findings == ()
    assert [f.id for f in evaluate(MINI, raw, "self").findings] == ["craving_found"]


def test_triggers_name_the_question_and_the_answer_in_the_audience_words() -> None:
    raw = {"for_pain": "yes", "kinds": ("pills",), "urges": "yes", "worse": "worse"}
    report = evaluate(MINI, raw, "counselor")
    (finding,) = report.findings
    # A "yes" is marked: the counselor's printout leaves those out (the question says it all).
    assert [(t.question_id, t.question, t.answer, t.is_yes) for t in finding.triggers] == [
        ("urges", "Client reports strong urges.", "Yes", True),
        ("worse", "Is the pain worse?", "Worse", False),
    ]
    assert [a.id for a in report.areas] == ["craving"]


def test_not_sure_is_counted_and_makes_areas_unclear() -> None:
    report = evaluate(
        MINI, {"for_pain": "yes", "kinds": ("pills",), "urges": "unsure", "worse": "unsure"}, "self"
    )
    assert report.unsure == 2
    assert report.findings == ()
    assert report.unclear_areas == ("Craving",)


def test_finding_resources_come_first_without_repeats() -> None:
    data = read_yaml(MINI_TEXT)
    data["resources"].append({**data["resources"][0], "id": "local_line", "name": "A local line"})
    data["findings"][0]["resources"] = ["local_line", "helpline"]  # helpline is the default too
    bank = parse(data)
    assert [r.id for r in evaluate(bank, {}, "self").resources] == ["helpline"]
    report = evaluate(bank, {"for_pain": "yes", "kinds": ("pills",), "urges": "yes"}, "self")
    assert [r.id for r in report.resources] == ["local_line", "helpline"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"for_pain": "maybe"}, {}),
        ({"for_pain": ["yes"]}, {}),
        ({"kinds": ("none", "pills")}, {}),
        ({"kinds": []}, {}),
        ({"kinds": "pills"}, {"kinds": ("pills",)}),  # one ticked box comes as text: made a tuple
        ({"kinds": ["powder", "pills"]}, {"kinds": ("pills", "powder")}),  # in the bank's order
        ({3: "yes"}, {}),
        ({"urges": {"a": 1}}, {}),
        ({"for_pain": None}, {}),
    ],
)
def test_invalid_answers_are_ignored(raw: dict[Any, Any], expected: dict[str, Any]) -> None:
    assert relevant_answers(MINI, raw, "self") == expected


CRAVING = {"for_pain": "yes", "kinds": ("pills",), "urges": "yes"}


def mini_with(**finding: Any) -> Bank:
    """The mini bank with changes to its one finding, or with a second finding added."""
    data = read_yaml(MINI_TEXT)
    if "id" in finding:
        data["findings"].append(
            {
                "level": "info",
                "title": "T",
                "explanation": "E.",
                "steps": ["S."],
                "sources": [{"title": "A", "url": "https://example.org/d"}],
                **finding,
            }
        )
    else:
        data["findings"][0].update(finding)
    return parse(data)


def test_parts_add_words_only_when_their_own_condition_holds() -> None:
    bank = mini_with(
        parts=[
            {
                "when": {"answer": "worse", "is": "worse"},
                "explanation": "Worse pain too.",
                "steps": ["Say so."],
            }
        ]
    )
    (with_part,) = evaluate(bank, {**CRAVING, "worse": "worse"}, "self").findings
    assert with_part.explanation == "Strong urges are worth talking about. Worse pain too."
    assert with_part.steps == ("Talk to someone.", "Say so.")
    (without,) = evaluate(bank, {**CRAVING, "worse": "unsure"}, "self").findings
    assert without.explanation == "Strong urges are worth talking about."
    assert without.steps == ("Talk to someone.",)


def test_given_answers_rule_out_but_are_not_listed_as_the_reason() -> None:
    bank = mini_with(
        when={"all": [{"answer": "urges", "is": "yes"}, {"given": {"answer": "worse", "in": ["same"]}}]}
    )
    (finding,) = evaluate(bank, {**CRAVING, "worse": "same"}, "self").findings
    assert [t.question_id for t in finding.triggers] == ["urges"]
    assert evaluate(bank, {**CRAVING, "worse": "worse"}, "self").findings == ()


def test_an_ending_stops_the_questions_and_drops_later_answers() -> None:
    bank = mini_with(id="nothing_used", ends=True, when={"answer": "kinds", "is": "none"})
    raw = {"for_pain": "yes", "kinds": ("none",), "urges": "yes", "worse": "worse"}
    assert [s.id for s, _ in visible_sections(bank, raw, "self")] == ["first"]
    assert relevant_answers(bank, raw, "self") == {"for_pain": "yes", "kinds": ("none",)}
    report = evaluate(bank, raw, "self")
    assert [f.id for f in report.findings] == ["nothing_used"]
    assert report.ending is not None and report.ending.id == "nothing_used"
    going_on = evaluate(bank, {**raw, "kinds": ("pills",)}, "self")
    assert going_on.ending is None
    assert [s.id for s, _ in visible_sections(bank, {**raw, "kinds": ("pills",)}, "self")] == [
        "first",
        "second",
    ]


def test_findings_come_most_urgent_first_then_in_file_order() -> None:
    urges = {"answer": "urges", "is": "yes"}
    bank = mini_with(id="urgent_one", level="urgent", when=urges)
    assert [f.id for f in bank.findings] == ["craving_found", "urgent_one"]  # the file's order
    report = evaluate(bank, CRAVING, "self")
    assert [r.id for r in report.findings] == ["urgent_one", "craving_found"]
    also = mini_with(id="also_soon", level="talk_soon", when=urges)
    assert [r.id for r in evaluate(also, CRAVING, "self").findings] == ["craving_found", "also_soon"]


def test_an_unknown_audience_is_refused_before_anything_is_evaluated() -> None:
    with pytest.raises(ValueError, match="unknown audience 'parent'"):
        evaluate(MINI, CRAVING, "parent")
    with pytest.raises(ValueError, match="unknown audience 'parent'"):
        due_interrupts(MINI, CRAVING, "parent")
