"""Realistic vignettes on the shipped bank: which patterns fire, and which must not (no app needed)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from screener.bank import Finding, load
from screener.rules import Report, evaluate

BANK = load()
# What a person with no signs at all would answer, apart from "no" to every yes/no question.
TYPICAL = {"what_used": ("rx_opioid",), "how_long": "over_three", "has_naloxone": "yes",
           "dose_up_effect": "no_increase"}
# The safety page: no thoughts of suicide, and a family member who is with the person.
TYPICAL.update({"suicide_thoughts_q": "no", "with_them_now": "yes"})


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
    ("thoughts of suicide", "self", {"suicide_thoughts_q": "now"}, {"suicide_thoughts"}, {"suicide_unsure"}),
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
    "suicide_thoughts": {"suicide_thoughts_q": "now"},
    "suicide_past_month": {"suicide_thoughts_q": "past_month"},
    "overdose_self_now": {"took_too_much": "yes"},
    "overdose_check_on_them": {"with_them_now": "no", "overdose_signs_now": "unsure"},
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
    if audience not in next(f for f in BANK.findings if f.id == finding_id).audiences:
        assert finding_id not in fired(report)  # a finding for one audience only, like overdose_self_now
        return
    (result,) = [r for r in report.findings if r.id == finding_id]
    finding = result.finding
    assert result.title == finding.title.get(audience)
    assert result.explanation == finding.explanation.get(audience)
    assert result.steps == finding.steps.get(audience) and result.steps
    assert {t.question_id for t in result.triggers} >= set(EVERY_AUDIENCE[finding_id]) - set(AS_PRESCRIBED)


def test_every_finding_has_a_vignette() -> None:
    assert set(EVERY_AUDIENCE) == {f.id for f in BANK.findings}
    covered = set().union(*(must for _, _, _, must, _ in VIGNETTES + CRISIS_VIGNETTES))
    assert covered == {f.id for f in BANK.findings}


def test_the_emergency_comes_first_with_its_helpline() -> None:
    report = evaluate(BANK, answers_for("self", suicide_thoughts_q="now", craving="yes",
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


# --- the crisis pages: who is there, how acute, and after-care ---------------------------
# Kept apart from the table above so that the two grow without stepping on each other.

CRISIS_VIGNETTES: list[tuple[str, str, dict[str, Any], set[str], set[str]]] = [
    ("a family member who is there and not sure: treat it as an overdose", "other",
     {"with_them_now": "yes", "overdose_signs_now": "unsure"}, {"overdose_now"}, set()),
    ("a family member far away and not sure: no overdose page, but how to check on them", "other",
     {"with_them_now": "no", "overdose_signs_now": "unsure"}, {"overdose_check_on_them"}, {"overdose_now"}),
    ("a family member who is there and sees no signs: nothing to check from afar", "other",
     {"with_them_now": "yes", "overdose_signs_now": "no"}, set(), {"overdose_now", "overdose_check_on_them"}),
    ("a family member far away who knows of signs now: still an emergency", "other",
     {"with_them_now": "no", "overdose_signs_now": "yes"}, {"overdose_now"}, set()),
    ("not sure at intake: treat it as an overdose", "counselor", {"overdose_signs_now": "unsure"},
     {"overdose_now"}, set()),
    ("I may have taken too much and feel very sleepy", "self", {"took_too_much": "yes"},
     {"overdose_self_now"}, {"overdose_now"}),
    ("not sure whether I took too much, and very sleepy", "self", {"took_too_much": "unsure"},
     {"overdose_self_now"}, set()),
    ("they may act on thoughts of suicide now", "other", {"suicide_thoughts_q": "now"},
     {"suicide_thoughts"}, {"suicide_past_month", "suicide_unsure"}),
    ("thoughts in the past month, not now: not an emergency", "self",
     {"suicide_thoughts_q": "past_month"}, {"suicide_past_month"}, {"suicide_thoughts", "suicide_unsure"}),
    ("thoughts in the past month, at intake", "counselor", {"suicide_thoughts_q": "past_month"},
     {"suicide_past_month"}, {"suicide_thoughts"}),
    ("no thoughts of suicide", "other", {"suicide_thoughts_q": "no"}, set(),
     {"suicide_thoughts", "suicide_past_month", "suicide_unsure"}),
]
INTERRUPTS = {"overdose_now", "overdose_self_now", "suicide_thoughts", "suicide_past_month"}


@pytest.mark.parametrize(("audience", "given", "must", "must_not"),
                         [v[1:] for v in CRISIS_VIGNETTES], ids=[v[0] for v in CRISIS_VIGNETTES])
def test_crisis_vignette(audience: str, given: dict[str, Any], must: set[str], must_not: set[str]) -> None:
    test_vignette(audience, given, must, must_not)
    # Each of these stops the questions until the person chooses to go on.
    report = evaluate(BANK, answers_for(audience, **given), audience)
    assert {r.id for r in report.interrupts} == must & INTERRUPTS


def test_only_the_interrupt_findings_interrupt() -> None:
    assert {f.id for f in BANK.findings if f.interrupts} == INTERRUPTS


def test_thoughts_in_the_past_month_interrupt_calmly_not_as_an_emergency() -> None:
    report = evaluate(BANK, answers_for("self", suicide_thoughts_q="past_month"), "self")
    (result,) = report.interrupts
    assert result.id == "suicide_past_month" and result.level == "urgent"
    assert report.emergencies == ()
    assert report.resources[0].id == "lifeline_988"
    assert report.resources[0].sms_uri == "sms:988"


def finding(finding_id: str) -> Finding:
    return next(f for f in BANK.findings if f.id == finding_id)


AFTERCARE_CASES = [
    ("overdose_now", "self", {"overdose_signs_now": "yes"}),
    ("overdose_now", "other", {"with_them_now": "yes", "overdose_signs_now": "unsure"}),
    ("overdose_now", "counselor", {"overdose_signs_now": "yes"}),
    ("overdose_self_now", "self", {"took_too_much": "yes"}),
    ("suicide_thoughts", "self", {"suicide_thoughts_q": "now"}),
    ("suicide_thoughts", "counselor", {"suicide_thoughts_q": "now"}),
    ("suicide_past_month", "other", {"suicide_thoughts_q": "past_month"}),
    ("suicide_past_month", "counselor", {"suicide_thoughts_q": "past_month"}),
]
STALE_ALARM = re.compile(r"may be overdosing|overdos\w* now|emergency|act now", re.IGNORECASE)


@pytest.mark.parametrize(("finding_id", "audience", "given"), AFTERCARE_CASES,
                         ids=[f"{f}-{a}" for f, a, _ in AFTERCARE_CASES])
def test_after_going_on_the_results_open_with_calm_aftercare(
    finding_id: str, audience: str, given: dict[str, Any]
) -> None:
    answers = answers_for(audience, **given)
    before = evaluate(BANK, answers, audience)
    assert finding_id in fired(before) and before.aftercare == ()
    after = evaluate(BANK, answers, audience, continued={finding_id})
    assert finding_id not in fired(after), "the alarm is still shown as if it were happening"
    (care,) = after.aftercare
    words = " ".join([care.title, care.text, *care.steps])
    assert care.title and care.text and care.steps
    assert not STALE_ALARM.search(words), words
    if audience == "counselor":
        assert care.title.endswith("reported at intake")
    else:
        assert care.title.startswith("Earlier you told us")
    # The helpline that goes with it stays at the top of the help list (988 for suicide).
    assert after.resources[0].id == finding(finding_id).resources[0]


def test_overdose_aftercare_says_naloxone_wears_off_and_not_to_leave_them_alone() -> None:
    care = finding("overdose_now").aftercare
    assert care is not None
    for audience in ("self", "other"):
        words = " ".join([care.text.get(audience), *care.steps.get(audience)])
        assert "30 to 90 minutes" in words and "medical care" in words and "naloxone" in words.lower()
        assert "alone tonight" in words or "stays with them tonight" in words


def test_the_overdose_steps_come_in_the_right_order_with_cpr_that_is_not_optional() -> None:
    overdose = finding("overdose_now")
    for audience in ("self", "other", "counselor"):
        steps = overdose.steps.get(audience)
        assert steps[0].startswith("Give naloxone")
        assert "2 to 3 minutes" in steps[1] and "new device" in steps[1] and "other nostril" in steps[1]
        assert "Repeat every 2 to 3 minutes while there is more" in steps[1]
        assert "start CPR. Push hard and fast on the center of the chest" in steps[2]
        assert "dispatcher will coach you" in steps[2]
        assert "If you are trained, add rescue breaths" in steps[2]
        assert "side" in steps[3] and "Stay with them" in steps[4]
    more = " ".join(" ".join([b.text, *b.items]) for b in overdose.more)
    for fact in ("Good Samaritan", "withdrawal", "xylazine", "cold water", "throw up", "30 to 90 minutes"):
        assert fact in more
    assert [b.text for b in overdose.more if b.kind == "heading"][0] == "Signs of an overdose"
    assert "poison_help" not in overdose.resources and overdose.resources[0] == "emergency_911"
    sources = " ".join(s.url for s in overdose.sources)
    for where in ("heart.org", "cdc.gov", "samhsa.gov"):
        assert where in sources


def test_no_page_calls_cpr_optional() -> None:
    from screener.bank import DEFAULT_PATH

    assert "if you know how" not in DEFAULT_PATH.read_text(encoding="utf-8")


def test_the_crisis_page_explains_988_and_a_safety_plan_with_sources() -> None:
    page = BANK.learn["crisis"]
    text = " ".join(" ".join([b.text, *b.items]) for b in page.body)
    for words in ("Call or text 988", "crisis counselor answers", "videophone", "711", "safety plan",
                  "naloxone"):
        assert words in text
    urls = " ".join(s.url for s in page.sources)
    assert "988lifeline.org" in urls and "nimh.nih.gov" in urls and "samhsa.gov" in urls
    for finding_id in ("suicide_thoughts", "suicide_past_month", "suicide_unsure"):
        assert finding(finding_id).learn == "crisis"


def test_988_and_samhsa_can_be_texted_and_988_offers_deaf_options() -> None:
    assert BANK.resources["lifeline_988"].sms_uri == "sms:988"
    assert BANK.resources["samhsa_helpline"].sms_uri == "sms:435748"
    access = BANK.resources["lifeline_988"].access
    assert "videophone" in access and "711" in access


def crisis_texts() -> list[tuple[str, str]]:
    texts = []
    for f in BANK.findings:
        for audience in f.audiences:
            texts.append((f"{f.id}.call_hint.{audience}", f.call_hint.get(audience)))
            if f.aftercare:
                texts.append((f"{f.id}.aftercare.text.{audience}", f.aftercare.text.get(audience)))
                texts += [(f"{f.id}.aftercare.steps.{audience}", s) for s in f.aftercare.steps.get(audience)]
        paragraphs = [b for b in f.more if b.kind != "heading"]
        texts += [(f"{f.id}.more", text) for b in paragraphs for text in (b.text, *b.items)]
    return [(where, text) for where, text in texts if text]


def test_crisis_wording_is_plain_and_never_forbidden() -> None:
    from tests.test_engine_properties import MAX_GRADE, forbidden_in, grade

    texts = crisis_texts()
    assert len(texts) > 20
    assert not [(where, text) for where, text in texts if forbidden_in(text)]
    too_hard = [(where, text, round(grade(text), 1)) for where, text in texts if grade(text) > MAX_GRADE]
    assert not too_hard
