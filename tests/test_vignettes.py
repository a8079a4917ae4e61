"""Realistic vignettes on the shipped bank: which patterns fire, and which must not (no app needed)."""

from __future__ import annotations

from typing import Any

import pytest

from screener.bank import load
from screener.rules import Report, evaluate

BANK = load()
# What a person with no signs at all would answer, apart from "no" to every yes/no question.
TYPICAL = {"what_used": ("rx_opioid",), "how_long": "over_three", "has_naloxone": "yes",
           "dose_up_effect": "no_increase"}


def answers_for(audience: str, **given: Any) -> dict[str, Any]:
    """Answer every question this audience sees: `given`, else a typical answer, else "no" or none."""
    answers: dict[str, Any] = {}
    for question in BANK.questions.values():
        if audience not in question.audiences:
            continue
        if question.id in given:
            answers[question.id] = given[question.id]
        elif question.id in TYPICAL:
            answers[question.id] = TYPICAL[question.id]
        elif question.type == "yesno":
            answers[question.id] = "no"
        elif question.type == "multi":
            assert question.none is not None
            answers[question.id] = (question.none.value,)
        else:
            answers[question.id] = "unsure"
    return answers


def fired(report: Report) -> list[str]:
    return [result.id for result in report.findings]


AS_PRESCRIBED = {"takes_for_pain": "yes", "has_prescription": "yes"}

# (name, audience, answers, findings that must fire, findings that must not fire)
VIGNETTES: list[tuple[str, str, dict[str, Any], set[str], set[str]]] = [
    ("no signs: no finding and nothing invented", "self", {}, set(), {f.id for f in BANK.findings}),
    ("no signs, seen from outside", "other", {}, set(), {f.id for f in BANK.findings}),
    ("no signs, at intake", "counselor", {}, set(), {f.id for f in BANK.findings}),
    ("overdose signs now", "other", {"overdose_signs_now": "yes"}, {"overdose_now"}, set()),
    ("not sure about overdose signs: treat it as one", "self", {"overdose_signs_now": "unsure"},
     {"overdose_now"}, set()),
    ("thoughts of suicide", "self", {"suicide_thoughts_q": "yes"}, {"suicide_thoughts"}, {"suicide_unsure"}),
    ("not sure whether they think of suicide", "other", {"suicide_thoughts_q": "unsure"},
     {"suicide_unsure"}, {"suicide_thoughts"}),
    ("tolerance while taking pain medicine exactly as prescribed", "self",
     {**AS_PRESCRIBED, "more_for_same": "yes"},
     {"tolerance_expected"}, {"tolerance_watch", "addiction_signs", "misuse_pattern"}),
    ("withdrawal while taking pain medicine exactly as prescribed", "self",
     {**AS_PRESCRIBED, "withdrawal_signs": ("aches", "yawning"), "mind_without": ("sleep",)},
     {"dependence_expected"}, {"dependence_watch", "addiction_signs"}),
    ("expected tolerance and dependence, at intake", "counselor",
     {**AS_PRESCRIBED, "same_dose_less": "yes", "avoid_withdrawal": "yes"},
     {"tolerance_expected", "dependence_expected"}, {"tolerance_watch", "dependence_watch"}),
    ("tolerance with doses taken more often than prescribed", "self",
     {**AS_PRESCRIBED, "more_for_same": "yes", "more_often": "yes"},
     {"tolerance_watch", "misuse_pattern"}, {"tolerance_expected"}),
    ("tolerance, not sure about a prescription", "other",
     {"has_prescription": "unsure", "more_for_same": "yes"}, {"tolerance_watch"}, {"tolerance_expected"}),
    ("withdrawal with pills from someone else", "self",
     {"others_pills": "yes", "withdrawal_signs": ("runny_nose", "sweats_chills")},
     {"dependence_watch", "misuse_pattern"}, {"dependence_expected"}),
    ("pain worse each time the dose rises: hyperalgesia, not tolerance", "self",
     {**AS_PRESCRIBED, "more_for_same": "yes", "dose_up_effect": "worse", "pain_spread": "yes"},
     {"hyperalgesia"}, {"tolerance_expected", "tolerance_watch", "addiction_signs"}),
    ("pain eased when the dose rose: tolerance", "self",
     {**AS_PRESCRIBED, "more_for_same": "yes", "dose_up_effect": "better"},
     {"tolerance_expected"}, {"hyperalgesia"}),
    ("light touch hurts (allodynia), at intake", "counselor", {**AS_PRESCRIBED, "touch_hurts": "yes"},
     {"hyperalgesia"}, set()),
    ("they say their pain got worse on opioids", "other", {**AS_PRESCRIBED, "pain_worse": "yes"},
     {"hyperalgesia"}, set()),
    ("pain questions unanswered when opioids are not for pain", "self",
     {"takes_for_pain": "no", "pain_worse": "yes", "touch_hurts": "yes"}, set(), {"hyperalgesia"}),
    ("craving alone is worth talking about", "self", {"craving": "yes"}, {"addiction_signs"}, set()),
    ("one sign of harm alone is not a pattern", "self", {"risky_use": "yes"}, set(), {"addiction_signs"}),
    ("two signs of harm", "other", {"falling_behind": "yes", "trouble_with_people": "yes"},
     {"addiction_signs"}, set()),
    ("not sure about every sign of harm", "other",
     {q: "unsure" for q in ("more_than_meant", "cut_down", "time_spent", "craving", "falling_behind",
                            "trouble_with_people", "gave_up", "risky_use", "health_problems")},
     set(), {"addiction_signs"}),
    ("street fentanyl, using alone, after jail", "self",
     {"what_used": ("street",), "has_prescription": "no", "uses_alone": "yes", "break_then_use": "yes",
      "craving": "yes", "withdrawal_signs": ("aches", "stomach"), "more_for_same": "yes"},
     {"overdose_risk", "addiction_signs", "dependence_watch", "tolerance_watch"},
     {"tolerance_expected", "dependence_expected"}),
    ("mixing with benzodiazepines, prescribed", "counselor", {**AS_PRESCRIBED, "mixes_sedatives": "yes"},
     {"overdose_risk"}, set()),
    ("no naloxone at home", "other", {"has_naloxone": "no"}, {"naloxone_gap"}, {"overdose_risk"}),
    ("no naloxone, and no opioid use named", "self", {"has_naloxone": "no", "what_used": ("none",)},
     set(), {"naloxone_gap"}),
    ("injecting", "self", {"how_taken": ("injected",)}, {"injecting"}, set()),
    ("needle marks seen by a parent", "other", {"physical_signs": ("marks", "drowsy")},
     {"injecting", "signs_noticed"}, set()),
    ("several changes a friend noticed", "other",
     {"behavior_signs": ("avoiding", "moody", "secretive"), "physical_signs": ("drowsy",)},
     {"signs_noticed"}, {"addiction_signs"}),
    ("one change is not a pattern", "other", {"behavior_signs": ("moody",)}, set(), {"signs_noticed"}),
    ("on methadone treatment, withdrawal when late", "counselor",
     {"what_used": ("moud",), "has_prescription": "yes", "withdrawal_signs": ("aches",)},
     {"in_treatment", "dependence_expected"}, {"dependence_watch", "misuse_pattern"}),
    ("risk factors are context only", "self",
     {"risk_factors": ("family", "mental_health", "trauma", "easy_access")},
     {"context_factors"}, {"addiction_signs", "signs_noticed"}),
]


@pytest.mark.parametrize(("audience", "given", "must", "must_not"),
                         [v[1:] for v in VIGNETTES], ids=[v[0] for v in VIGNETTES])
def test_vignette(audience: str, given: dict[str, Any], must: set[str], must_not: set[str]) -> None:
    report = evaluate(BANK, answers_for(audience, **given), audience)
    ids = set(fired(report))
    assert must <= ids, f"missing {must - ids}; fired {ids}"
    assert not ids & must_not, f"should not fire: {ids & must_not}"
    for result in report.findings:
        assert result.title and result.explanation and result.finding.sources


# The least each finding needs, in questions every audience is asked: the same pattern must
# fire whoever answers.
EVERY_AUDIENCE: dict[str, dict[str, Any]] = {
    "overdose_now": {"overdose_signs_now": "yes"},
    "suicide_thoughts": {"suicide_thoughts_q": "yes"},
    "suicide_unsure": {"suicide_thoughts_q": "unsure"},
    "overdose_risk": {"mixes_sedatives": "yes"},
    "addiction_signs": {"cut_down": "yes"},
    "misuse_pattern": {"for_high": "yes"},
    "hyperalgesia": {**AS_PRESCRIBED, "pain_spread": "yes"},
    "tolerance_watch": {"has_prescription": "no", "same_dose_less": "yes"},
    "dependence_watch": {"others_pills": "yes", "avoid_withdrawal": "yes"},
    "injecting": {"how_taken": ("injected",)},
    "signs_noticed": {"behavior_signs": ("alone",), "physical_signs": ("hygiene",)},
    "tolerance_expected": {**AS_PRESCRIBED, "more_for_same": "yes"},
    "dependence_expected": {**AS_PRESCRIBED, "mind_without": ("anxious",)},
    "in_treatment": {"what_used": ("moud",)},
    "naloxone_gap": {"has_naloxone": "no"},
    "context_factors": {"risk_factors": ("rural",)},
}


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
@pytest.mark.parametrize("finding_id", list(EVERY_AUDIENCE))
def test_each_finding_fires_for_each_audience_in_its_own_words(finding_id: str, audience: str) -> None:
    report = evaluate(BANK, answers_for(audience, **EVERY_AUDIENCE[finding_id]), audience)
    (result,) = [r for r in report.findings if r.id == finding_id]
    finding = result.finding
    assert result.title == finding.title.get(audience)
    assert result.explanation == finding.explanation.get(audience)
    assert result.steps == finding.steps.get(audience) and result.steps
    assert {t.question_id for t in result.triggers} >= set(EVERY_AUDIENCE[finding_id]) - set(AS_PRESCRIBED)


def test_every_finding_has_a_vignette() -> None:
    assert set(EVERY_AUDIENCE) == {f.id for f in BANK.findings}
    covered = set().union(*(must for _, _, _, must, _ in VIGNETTES))
    assert covered == {f.id for f in BANK.findings}


def test_the_emergency_comes_first_with_its_helpline() -> None:
    report = evaluate(BANK, answers_for("self", suicide_thoughts_q="yes", craving="yes",
                                        mixes_sedatives="yes"), "self")
    assert fired(report)[0] == "suicide_thoughts"
    assert [r.level for r in report.findings][:3] == ["emergency", "urgent", "talk_soon"]
    assert report.resources[0].id == "lifeline_988"


def test_triggers_say_which_answers_made_a_pattern_fire() -> None:
    report = evaluate(BANK, answers_for("other", behavior_signs=("avoiding", "moody"),
                                        physical_signs=("drowsy",)), "other")
    (signs,) = [r for r in report.findings if r.id == "signs_noticed"]
    assert [(t.question_id, t.answer) for t in signs.triggers] == [
        ("behavior_signs", "Avoiding family or friends, Moody, irritable or nervous"),
        ("physical_signs", "Very tired, drowsy or nodding off"),
    ]
    assert signs.triggers[0].question == BANK.questions["behavior_signs"].text.get("other")


def test_not_sure_is_counted_never_as_no() -> None:
    report = evaluate(BANK, answers_for("other", craving="unsure", cut_down="unsure",
                                        has_prescription="unsure"), "other")
    assert report.unsure == 3
    assert "addiction_signs" not in fired(report)


def test_counselor_areas_are_listed_without_a_count_or_severity() -> None:
    report = evaluate(BANK, answers_for(
        "counselor", craving="yes", cut_down="yes", time_spent="unsure", more_for_same="yes",
        withdrawal_signs=("aches",), risk_factors=("family",)), "counselor")
    assert [a.id for a in report.areas] == ["cutting_down", "craving", "tolerance", "withdrawal"]
    assert "Much time getting, using or recovering" in report.unclear_areas
    tolerance = next(a for a in report.areas if a.id == "tolerance")
    assert "as prescribed" in tolerance.note
    assert not hasattr(report, "count") and not hasattr(report, "severity")


def test_risk_factors_never_make_an_area() -> None:
    everything = tuple(o.value for o in BANK.questions["risk_factors"].options if o.value != "unsure")
    report = evaluate(BANK, answers_for("counselor", risk_factors=everything), "counselor")
    assert report.areas == ()
    assert fired(report) == ["context_factors"]
