"""Realistic vignettes on the shipped bank: which patterns fire, and which must not (no app needed)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from screener.bank import Bank, Finding, load
from screener.rules import Report, evaluate

BANK = load()
# What a person with no signs at all would answer, apart from "no" to every yes/no question.
TYPICAL = {
    "what_used": ("rx_opioid",),
    "how_long": "over_three",
    "has_naloxone": "yes",
    "dose_up_effect": "no_increase",
    "dose_down_effect": "no_decrease",
    "cut_down": "no",
    "their_age": "over_25",
    "pregnant": "no",
}
# The safety page: no thoughts of suicide, and a family member who is with the person.
TYPICAL.update({"suicide_thoughts_q": "no", "with_them_now": "yes"})


def answers_for(audience: str, bank: Bank = BANK, **given: Any) -> dict[str, Any]:
    """Answer every question this audience sees: `given`, else a typical answer, else "no" or none."""
    answers: dict[str, Any] = {}
    for question in bank.questions.values():
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
    (
        "not sure about overdose signs: treat it as one",
        "self",
        {"overdose_signs_now": "unsure"},
        {"overdose_now"},
        set(),
    ),
    ("thoughts of suicide", "self", {"suicide_thoughts_q": "now"}, {"suicide_thoughts"}, {"suicide_unsure"}),
    (
        "not sure whether they think of suicide",
        "other",
        {"suicide_thoughts_q": "unsure"},
        {"suicide_unsure"},
        {"suicide_thoughts"},
    ),
    (
        "tolerance while taking pain medicine exactly as prescribed",
        "self",
        {**AS_PRESCRIBED, "more_for_same": "yes"},
        {"tolerance_expected"},
        {"tolerance_watch", "addiction_signs", "misuse_pattern"},
    ),
    (
        "withdrawal while taking pain medicine exactly as prescribed",
        "self",
        {**AS_PRESCRIBED, "withdrawal_signs": ("aches", "yawning"), "mind_without": ("sleep",)},
        {"dependence_expected"},
        {"dependence_watch", "addiction_signs"},
    ),
    (
        "expected tolerance and dependence, at intake",
        "counselor",
        {**AS_PRESCRIBED, "same_dose_less": "yes", "avoid_withdrawal": "yes"},
        {"tolerance_expected", "dependence_expected"},
        {"tolerance_watch", "dependence_watch"},
    ),
    (
        "tolerance with doses taken more often than prescribed",
        "self",
        {**AS_PRESCRIBED, "more_for_same": "yes", "more_often": "yes"},
        {"tolerance_watch", "misuse_pattern"},
        {"tolerance_expected"},
    ),
    (
        "tolerance, not sure about a prescription",
        "other",
        {"has_prescription": "unsure", "more_for_same": "yes"},
        {"tolerance_watch"},
        {"tolerance_expected"},
    ),
    (
        "withdrawal with pills from someone else",
        "self",
        {"others_pills": "yes", "withdrawal_signs": ("runny_nose", "sweats_chills")},
        {"dependence_watch", "misuse_pattern"},
        {"dependence_expected"},
    ),
    (
        "pain worse each time the dose rises: hyperalgesia, not tolerance",
        "self",
        {**AS_PRESCRIBED, "more_for_same": "yes", "dose_up_effect": "worse", "pain_spread": "yes"},
        {"hyperalgesia"},
        {"tolerance_expected", "tolerance_watch", "addiction_signs"},
    ),
    (
        "pain eased when the dose rose: tolerance",
        "self",
        {**AS_PRESCRIBED, "more_for_same": "yes", "dose_up_effect": "better"},
        {"tolerance_expected"},
        {"hyperalgesia"},
    ),
    (
        "light touch hurts (allodynia), at intake",
        "counselor",
        {**AS_PRESCRIBED, "touch_hurts": "yes"},
        {"hyperalgesia"},
        set(),
    ),
    (
        "they say their pain got worse on opioids",
        "other",
        {**AS_PRESCRIBED, "pain_worse": "yes"},
        {"hyperalgesia"},
        set(),
    ),
    (
        "pain questions unanswered when opioids are not for pain",
        "self",
        {"takes_for_pain": "no", "pain_worse": "yes", "touch_hurts": "yes"},
        set(),
        {"hyperalgesia"},
    ),
    ("craving alone is worth talking about", "self", {"craving": "yes"}, {"addiction_signs"}, set()),
    ("one sign of harm alone is not a pattern", "self", {"risky_use": "yes"}, set(), {"addiction_signs"}),
    (
        "two signs of harm",
        "other",
        {"falling_behind": "yes", "trouble_with_people": "yes"},
        {"addiction_signs"},
        set(),
    ),
    (
        "not sure about every sign of harm",
        "other",
        {
            q: "unsure"
            for q in (
                "more_than_meant",
                "cut_down",
                "time_spent",
                "craving",
                "falling_behind",
                "trouble_with_people",
                "gave_up",
                "risky_use",
                "health_problems",
            )
        },
        set(),
        {"addiction_signs"},
    ),
    (
        "street fentanyl, using alone, after jail",
        "self",
        {
            "what_used": ("street",),
            "has_prescription": "no",
            "uses_alone": "yes",
            "recent_break": ("jail",),
            "craving": "yes",
            "withdrawal_signs": ("aches", "stomach"),
            "more_for_same": "yes",
        },
        {"overdose_risk", "addiction_signs", "dependence_watch", "tolerance_watch"},
        {"tolerance_expected", "dependence_expected"},
    ),
    (
        "mixing with benzodiazepines, prescribed",
        "counselor",
        {**AS_PRESCRIBED, "mixes_with": ("sedatives",)},
        {"overdose_risk"},
        set(),
    ),
    ("no naloxone at home", "other", {"has_naloxone": "no"}, {"naloxone_gap"}, {"overdose_risk"}),
    (
        "no naloxone, and no opioid use named",
        "self",
        {"has_naloxone": "no", "what_used": ("none",)},
        set(),
        {"naloxone_gap"},
    ),
    ("injecting", "self", {"how_taken": ("injected",)}, {"injecting"}, set()),
    (
        "needle marks seen by a parent",
        "other",
        {"physical_signs": ("marks", "drowsy")},
        {"injecting", "signs_noticed"},
        set(),
    ),
    (
        "several changes a friend noticed",
        "other",
        {"behavior_signs": ("avoiding", "moody", "secretive"), "physical_signs": ("drowsy",)},
        {"signs_noticed"},
        {"addiction_signs"},
    ),
    ("one change is not a pattern", "other", {"behavior_signs": ("moody",)}, set(), {"signs_noticed"}),
    (
        "on methadone treatment, withdrawal when late",
        "counselor",
        {"what_used": ("moud",), "has_prescription": "yes", "withdrawal_signs": ("aches", "sweats_chills")},
        {"in_treatment", "dependence_expected"},
        {"dependence_watch", "misuse_pattern"},
    ),
    (
        "risk factors are context only",
        "self",
        {"risk_factors": ("family", "mental_health", "trauma", "easy_access")},
        {"context_factors"},
        {"addiction_signs", "signs_noticed"},
    ),
]


@pytest.mark.parametrize(
    ("audience", "given", "must", "must_not"), [v[1:] for v in VIGNETTES], ids=[v[0] for v in VIGNETTES]
)
def test_vignette(audience: str, given: dict[str, Any], must: set[str], must_not: set[str]) -> None:
    report = evaluate(BANK, answers_for(audience, **given), audience)
    ids = set(fired(report))
    assert must <= ids, f"missing {must - ids}; fired {ids}"
    assert not ids & must_not, f"should not fire: {ids & must_not}"
    for result in report.findings:
        assert result.title and result.explanation and result.finding.sources


# --- round 2: people a clinical review ran through the engine (issue 9) ----------------------
# Each is a realistic person answering every question as they would. Each failed on the bank
# before round 2 and passes now. Columns: name, audience, answers, findings that must fire,
# findings that must not, phrases the results must say, phrases they must not say, and for some
# findings the exact questions "Why you are seeing this" may list.


@dataclass(frozen=True)
class Person:
    name: str
    audience: str
    answers: dict[str, Any]
    must: set[str] = field(default_factory=set)
    must_not: set[str] = field(default_factory=set)
    say: tuple[str, ...] = ()
    never_say: tuple[str, ...] = ()
    why: dict[str, set[str]] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)  # the level shown, by finding
    among_first: dict[str, int] = field(default_factory=dict)  # finding: shown among the first N
    first_steps: tuple[str, ...] = ()  # phrases the first steps of the first card say, in order


PAIN_PATIENT = {
    "what_used": ("rx_opioid",),
    "takes_for_pain": "yes",
    "has_prescription": "yes",
    "how_long": "over_three",
    "how_taken": ("none",),
    "more_often": "no",
    "bigger_dose": "no",
    "others_pills": "no",
    "for_high": "no",
    "several_prescribers": "no",
    "has_naloxone": "yes",
}
METHADONE_PATIENT = {
    "what_used": ("moud",),
    "takes_for_pain": "no",
    "has_prescription": "yes",
    "how_long": "over_three",
    "how_taken": ("none",),
    "more_often": "no",
    "bigger_dose": "no",
    "others_pills": "no",
    "for_high": "no",
    "several_prescribers": "no",
    "has_naloxone": "yes",
}
# judge6 S4 and S1, as they would answer (round 4).
RAY = {
    "what_used": ("rx_opioid",),
    "takes_for_pain": "yes",
    "has_prescription": "yes",
    "how_long": "few_days",
    "how_taken": ("none",),
    "use_frequency": "weekly",
    "last_use": "yesterday",
    "more_often": "no",
    "bigger_dose": "no",
    "others_pills": "no",
    "for_high": "no",
    "several_prescribers": "no",
    "dose_up_effect": "no_increase",
    "dose_down_effect": "no_decrease",
    "craving": "yes",
    "mixes_with": ("none",),
    "uses_alone": "yes",
    "recent_break": ("none",),
    "past_overdose": "yes",
    "has_naloxone": "no",
    "risk_factors": ("own_past", "family", "recovery"),
}
DALE = {
    "what_used": ("rx_opioid",),
    "takes_for_pain": "yes",
    "has_prescription": "yes",
    "how_long": "few_days",
    "how_taken": ("none",),
    "use_frequency": "daily",
    "last_use": "today",
    "more_often": "no",
    "bigger_dose": "no",
    "others_pills": "no",
    "for_high": "no",
    "several_prescribers": "no",
    "dose_up_effect": "no_increase",
    "dose_down_effect": "same",
    "withdrawal_signs": ("restless",),
    "mind_without": ("sleep",),
    "cut_down": "want",
    "mixes_with": ("none",),
    "uses_alone": "no",
    "recent_break": ("none",),
    "has_naloxone": "no",
}
MARIA = {
    "suicide_thoughts_q": "past_month",
    "what_used": ("rx_opioid",),
    "takes_for_pain": "yes",
    "has_prescription": "yes",
    "how_long": "over_three",
    "how_taken": ("none",),
    "use_frequency": "daily",
    "last_use": "today",
    "more_often": "yes",
    "bigger_dose": "no",
    "others_pills": "no",
    "for_high": "no",
    "several_prescribers": "no",
    "more_for_same": "unsure",
    "same_dose_less": "unsure",
    "dose_up_effect": "better",
    "dose_down_effect": "worse",
    "withdrawal_signs": ("aches", "sweats_chills", "restless"),
    "avoid_withdrawal": "unsure",
    "mind_without": ("anxious", "sleep"),
    "cut_down": "prescriber_cut",
    "falling_behind": "unsure",
    "self_signs": ("moody",),
    "mixes_with": ("none",),
    "uses_alone": "no",
    "recent_break": ("none",),
    "dose_high": "yes",
    "has_naloxone": "no",
    "risk_factors": ("mental_health",),
}
NO_PRESCRIBER = ("tell your prescriber", "talk with the prescriber", "prescription opioid misuse")

PEOPLE: list[Person] = [
    # 1. Pills that did not come from a pharmacy: overdose risk and a fake-pill warning.
    Person(
        "parent who found blue pills a 16-year-old got from friends",
        "other",
        {
            "what_used": ("street_pills",),
            "their_age": "under_18",
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "unsure",
            "how_taken": ("unsure",),
            "others_pills": "unsure",
            "for_high": "unsure",
            "more_for_same": "unsure",
            "behavior_signs": ("secretive", "moody", "school_work"),
            "physical_signs": ("drowsy",),
            "found_items": ("blue_pills",),
            "uses_alone": "unsure",
            "mixes_with": ("unsure",),
            "recent_break": ("none",),
            "has_naloxone": "no",
            "risk_factors": ("unsure",),
        },
        must={"overdose_risk", "found_items", "young_person", "signs_noticed", "naloxone_gap"},
        must_not={"misuse_pattern", "addiction_signs", "in_treatment"},
        say=(
            "fake pill",
            "look just like real ones",
            "fentanyl",
            "pediatrician",
            "negative test does not mean it is safe",
        ),
        never_say=NO_PRESCRIBER,
    ),
    Person(
        "buys 'percs' online and swallows them, no prescription",
        "self",
        {
            "what_used": ("street_pills",),
            "has_prescription": "no",
            "how_taken": ("none",),
            "how_long": "one_to_three",
            "for_high": "yes",
            "uses_alone": "yes",
            "has_naloxone": "no",
        },
        must={"overdose_risk", "naloxone_gap"},
        must_not={"misuse_pattern", "injecting"},
        say=(
            "look just like real ones",
            "one fake pill",
            "test strips",
            "negative test does not mean it is safe",
            "never use alone",
        ),
        never_say=NO_PRESCRIBER,
    ),
    Person(
        "client takes a friend's pills for back pain",
        "counselor",
        {
            "what_used": ("street_pills",),
            "takes_for_pain": "yes",
            "has_prescription": "no",
            "others_pills": "yes",
            "how_taken": ("none",),
            "illness_worse": "no",
        },
        must={"overdose_risk", "misuse_pattern"},
        must_not={"tolerance_expected"},
        say=("fentanyl", "ask where the medicine comes from"),
        never_say=("talk with the prescriber",),
    ),
    # 2. Fentanyl test strips: a negative test does not mean safe.
    Person(
        "smokes powder and tests it with strips",
        "self",
        {
            "what_used": ("street",),
            "has_prescription": "no",
            "how_taken": ("smoked",),
            "craving": "yes",
            "has_naloxone": "yes",
        },
        must={"overdose_risk", "addiction_signs"},
        must_not={"misuse_pattern", "injecting"},
        say=("negative test does not mean it is safe", "still use less"),
        never_say=NO_PRESCRIBER,
    ),
    # 3. Loss of tolerance after a break, before any use.
    Person(
        "just out of prison, used heroin before",
        "self",
        {
            "what_used": ("heroin",),
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("injected",),
            "for_high": "yes",
            "craving": "yes",
            "recent_break": ("jail",),
            "uses_alone": "unsure",
            "has_naloxone": "no",
        },
        must={"overdose_risk", "addiction_signs", "injecting", "naloxone_gap"},
        must_not={"misuse_pattern", "tolerance_expected", "dependence_expected"},
        say=("the old dose can now kill", "first use after a break", "never inject alone"),
        never_say=(*NO_PRESCRIBER, "other than prescribed"),
    ),
    Person(
        "client stopped the monthly naltrexone shot last month",
        "counselor",
        {
            "what_used": ("moud", "heroin"),
            "has_prescription": "no",
            "recent_break": ("stopped_moud",),
            "craving": "yes",
            "has_naloxone": "yes",
        },
        must={"overdose_risk", "addiction_signs"},
        say=("naltrexone", "loss of tolerance", "the old dose can now kill"),
    ),
    Person(
        "son left detox last week",
        "other",
        {
            "what_used": ("heroin",),
            "recent_break": ("detox",),
            "has_naloxone": "no",
            "how_taken": ("unsure",),
            "has_prescription": "no",
        },
        must={"overdose_risk", "naloxone_gap"},
        must_not={"misuse_pattern"},
        say=("the old dose can now kill",),
    ),
    # 4. Injecting: naloxone and not using alone, for every audience.
    Person(
        "partner injects; found syringes and burnt spoons",
        "other",
        {
            "what_used": ("heroin",),
            "has_prescription": "no",
            "how_taken": ("injected",),
            "found_items": ("syringes", "spoons"),
            "physical_signs": ("marks", "drowsy"),
            "uses_alone": "unsure",  # a partner does not know (the default "no" would say never)
        },
        must={"injecting", "overdose_risk", "found_items", "signs_noticed"},
        say=("never to use alone", "naloxone", "used to inject"),
    ),
    Person(
        "client injects street fentanyl",
        "counselor",
        {"what_used": ("street",), "has_prescription": "no", "how_taken": ("injected",)},
        must={"injecting", "overdose_risk"},
        say=("never using alone", "offer naloxone", "whole dose into the blood"),
    ),
    # 5. Treatment and scheduled doses are not misuse; 6. alone at home is not urgent by itself.
    Person(
        "methadone patient who takes the dose at home alone",
        "self",
        {
            **METHADONE_PATIENT,
            "withdrawal_signs": ("aches", "yawning"),
            "mind_without": ("sleep",),
            "uses_alone": "yes",
        },
        must={"in_treatment", "dependence_expected"},
        must_not={"misuse_pattern", "dependence_watch", "overdose_risk", "addiction_signs", "self_treating"},
        say=("locked up", "treatment team", "loses tolerance"),
    ),
    Person(
        "pain patient on scheduled long-acting morphine",
        "counselor",
        {**PAIN_PATIENT, "more_for_same": "yes", "dose_up_effect": "better", "uses_alone": "yes"},
        must={"tolerance_expected"},
        must_not={"misuse_pattern", "tolerance_watch", "overdose_risk"},
        why={"tolerance_expected": {"more_for_same"}},
    ),
    Person(
        "pain patient who takes pills at home alone",
        "self",
        {**PAIN_PATIENT, "withdrawal_signs": ("aches", "sweats_chills"), "uses_alone": "yes"},
        must={"dependence_expected"},
        must_not={"overdose_risk", "misuse_pattern", "dependence_watch"},
        why={"dependence_expected": {"withdrawal_signs"}},
    ),
    Person(
        "mother on prescribed oxycodone who lives alone and has sleep apnea",
        "other",
        {**PAIN_PATIENT, "uses_alone": "yes", "breathing_problem": "yes"},
        must={"overdose_risk"},
        must_not={"misuse_pattern"},
        say=("sleep apnea", "no one is there"),
        never_say=("fentanyl", "after a break", "xanax", "inject"),
    ),
    Person(
        "client prescribed both an opioid and gabapentin",
        "counselor",
        {**PAIN_PATIENT, "mixes_with": ("gabapentin",)},
        must={"overdose_risk"},
        must_not={"misuse_pattern"},
        say=("gabapentin", "review sedatives, gabapentinoids"),
        never_say=("fentanyl", "street", "never using alone"),
    ),
    # 7. One wish to cut down is a healthy goal.
    Person(
        "pain patient who wants to taper",
        "self",
        {**PAIN_PATIENT, "cut_down": "want"},
        must={"wants_change"},
        must_not={"addiction_signs"},
        say=("healthy goal", "slow plan"),
    ),
    Person(
        "they tried to cut down and could not, and gave up hobbies",
        "other",
        {"what_used": ("rx_opioid",), "has_prescription": "unsure", "cut_down": "tried", "gave_up": "yes"},
        must={"addiction_signs"},
        must_not={"wants_change"},
        why={"addiction_signs": {"cut_down", "gave_up"}},
    ),
    # 8. Route decides "as prescribed".
    Person(
        "pain patient who crushes and snorts the prescribed pills",
        "self",
        {
            **PAIN_PATIENT,
            "how_taken": ("crushed", "snorted"),
            "more_for_same": "yes",
            "withdrawal_signs": ("aches", "stomach"),
        },
        must={"misuse_pattern", "tolerance_watch", "dependence_watch"},
        must_not={"tolerance_expected", "dependence_expected"},
        say=("snorting, smoking or injecting a pill",),
        why={"misuse_pattern": {"how_taken"}},
    ),
    Person(
        "client who chews the prescribed pills",
        "counselor",
        {**PAIN_PATIENT, "how_taken": ("crushed",), "same_dose_less": "yes"},
        must={"tolerance_watch"},
        must_not={"tolerance_expected", "misuse_pattern"},
    ),
    # 9. A prescribed fentanyl patch is pharmacy medicine.
    Person(
        "fentanyl patch patient at home alone",
        "self",
        {**PAIN_PATIENT, "more_for_same": "yes", "uses_alone": "yes"},
        must={"tolerance_expected"},
        must_not={"overdose_risk", "tolerance_watch", "misuse_pattern"},
    ),
    # 10. The misuse pattern never assumes a prescription.
    Person(
        "heroin-only client",
        "counselor",
        {
            "what_used": ("heroin",),
            "has_prescription": "no",
            "for_high": "yes",
            "craving": "yes",
            "how_taken": ("snorted",),
        },
        must={"addiction_signs", "overdose_risk"},
        must_not={"misuse_pattern"},
        never_say=("prescriber", "prescription opioid"),
    ),
    Person(
        "buprenorphine patient with a surgeon's short prescription",
        "self",
        {
            **METHADONE_PATIENT,
            "what_used": ("moud", "rx_opioid"),
            "takes_for_pain": "yes",
            "uses_alone": "yes",
            "illness_worse": "no",
        },
        must={"in_treatment"},
        must_not={"misuse_pattern", "overdose_risk"},
        say=("locked up",),
    ),
    Person(
        "takes a sister's leftover pills for a toothache, no prescriber",
        "self",
        {
            "what_used": ("rx_opioid",),
            "takes_for_pain": "yes",
            "has_prescription": "no",
            "others_pills": "yes",
            "how_long": "under_month",
            "illness_worse": "no",
        },
        must={"misuse_pattern"},
        must_not={"overdose_risk", "addiction_signs"},
        say=("do not need a prescriber",),
        never_say=NO_PRESCRIBER,
    ),
    # 11. Hyperalgesia only with no new injury and the illness not worse.
    Person(
        "pain worse because the cancer has spread",
        "self",
        {**PAIN_PATIENT, "pain_worse": "no", "pain_spread": "yes", "illness_worse": "yes"},
        must_not={"hyperalgesia"},
    ),
    Person(
        "client whose pain eased when the dose went down",
        "counselor",
        {**PAIN_PATIENT, "dose_down_effect": "eased", "illness_worse": "no"},
        must={"hyperalgesia"},
        say=("rule out other causes",),
        why={"hyperalgesia": {"dose_down_effect"}},
    ),
    # 12. Buprenorphine or methadone without a prescription is not "in treatment".
    Person(
        "buys buprenorphine on the street to get through withdrawal",
        "self",
        {
            "what_used": ("moud_street",),
            "has_prescription": "no",
            "how_long": "over_three",
            "withdrawal_signs": ("aches", "restless"),
            "avoid_withdrawal": "yes",
        },
        must={"self_treating", "dependence_watch"},
        must_not={"in_treatment", "dependence_expected", "misuse_pattern"},
        say=("telehealth", "treatment could help"),
    ),
    # 13. No opioids: a short end, and no opioid pattern.
    Person(
        "uses no opioids",
        "self",
        {"what_used": ("none",), "risk_factors": ("family",), "has_naloxone": "no", "craving": "yes"},
        must={"no_opioids"},
        must_not={"context_factors", "naloxone_gap", "addiction_signs"},
        say=("988", "alcohol", "no more questions"),
    ),
    Person(
        "family member knows of no opioid use (answers left from before are ignored)",
        "other",
        {"what_used": ("none",), "found_items": ("foil",), "behavior_signs": ("moody", "secretive")},
        must={"no_opioids"},
        must_not={"found_items", "overdose_risk", "signs_noticed"},
        say=("988",),
    ),
    # 14. Pregnancy.
    Person(
        "pregnant, on prescribed pain medicine",
        "self",
        {**PAIN_PATIENT, "pregnant": "yes"},
        must={"pregnancy"},
        say=("naloxone is safe", "withdrawal after birth", "do not stop"),
    ),
    Person(
        "pregnant client who uses heroin",
        "counselor",
        {"what_used": ("heroin",), "has_prescription": "no", "pregnant": "yes", "craving": "yes"},
        must={"pregnancy", "overdose_risk", "addiction_signs"},
        say=("methadone or buprenorphine is advised in pregnancy", "priority"),
    ),
    # 15. Withdrawal signs a family can see.
    Person(
        "goosebumps, big pupils and restless when they run out",
        "other",
        {
            "what_used": ("unsure",),
            "has_prescription": "no",
            "withdrawal_signs": ("goosebumps", "big_pupils", "restless"),
        },
        must={"dependence_watch"},
        must_not={"dependence_expected"},
        say=("goosebumps",),
    ),
    # 16. More overdose risks.
    Person(
        "pain patient whose dose went up, with COPD",
        "self",
        {**PAIN_PATIENT, "dose_high": "yes", "breathing_problem": "yes"},
        must={"overdose_risk"},
        say=("higher dose", "lung problems"),
        never_say=("fentanyl",),
    ),
    Person(
        "uses meth with a friend's pills now and then",
        "self",
        {
            "what_used": ("rx_opioid",),
            "has_prescription": "no",
            "others_pills": "yes",
            "mixes_with": ("stimulants",),
        },
        must={"overdose_risk", "misuse_pattern"},
        say=("meth and cocaine can hold fentanyl",),
    ),
    # 17. The person's own past problems are context.
    Person(
        "client with past alcohol problems",
        "counselor",
        {**PAIN_PATIENT, "risk_factors": ("own_past",)},
        must={"context_factors"},
        must_not={"addiction_signs"},
        say=("past problems with alcohol or other drugs",),
    ),
    # 18. People in treatment talk with their team, not go find treatment.
    Person(
        "methadone patient with cravings again",
        "self",
        {**METHADONE_PATIENT, "craving": "yes"},
        must={"addiction_signs", "in_treatment"},
        say=("tell your treatment team",),
        never_say=("help finding treatment",),
    ),
    Person(
        "partner of a methadone patient",
        "other",
        dict(METHADONE_PATIENT),
        must={"in_treatment"},
        say=("take-home doses locked up",),
    ),
    # A family member reads steps written for them, not the patient's own.
    Person(
        "partner of a pain patient whose pain spread on opioids",
        "other",
        {**PAIN_PATIENT, "pain_spread": "yes"},
        must={"hyperalgesia"},
        say=("encourage them to talk with their prescriber",),
        never_say=("talk with your prescriber", "do not raise the dose on your own"),
    ),
    # 22. What a family member found.
    Person(
        "parent who found burnt foil and cut straws",
        "other",
        {"what_used": ("unsure",), "found_items": ("foil", "straws"), "their_age": "age_18_to_25"},
        must={"found_items", "overdose_risk"},
        must_not={"young_person"},
        say=("smoke", "snort", "often fentanyl"),
    ),
    # Round 3 (issue 24): how often shapes the advice. One pill at a party is a fentanyl danger,
    # not a habit to treat; after a break, treatment is still the first thing to offer.
    Person(
        "student who took one pill a friend gave her at a party three weeks ago",
        "self",
        {
            "what_used": ("street_pills",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "under_month",
            "how_taken": ("none",),
            "use_frequency": "less_often",
            "last_use": "this_month",
            "for_high": "yes",
            "mixes_with": ("alcohol",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "has_naloxone": "no",
        },
        must={"overdose_risk"},
        must_not={"addiction_signs", "in_treatment"},
        say=("one fake pill can be enough to kill", "you use now and then. that does not make it safer"),
        never_say=("methadone or buprenorphine lowers the risk", "help you start, even today"),
        levels={"overdose_risk": "talk_soon"},
    ),
    Person(
        "man who snorts pressed pills on weekends with beer and Xanax",
        "self",
        {
            "what_used": ("street_pills",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("crushed", "snorted"),
            "use_frequency": "less_often",
            "last_use": "this_week",
            "others_pills": "unsure",
            "for_high": "yes",
            "more_for_same": "yes",
            "mind_without": ("agitated", "sleep"),
            "mixes_with": ("alcohol", "sedatives"),
            "uses_alone": "no",
            "recent_break": ("none",),
            "past_overdose": "no",
            "has_naloxone": "no",
        },
        must={"overdose_risk"},
        say=("together they can stop it",),
        levels={"overdose_risk": "urgent"},
    ),
    Person(
        "court-referred client who took a friend's Percocet twice last year",
        "counselor",
        {
            "what_used": ("rx_opioid",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "under_month",
            "how_taken": ("none",),
            "use_frequency": "not_past_month",
            "last_use": "longer",
            "others_pills": "yes",
            "for_high": "no",
            "mixes_with": ("alcohol",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "past_overdose": "no",
            "has_naloxone": "no",
            "risk_factors": ("own_past",),
        },
        must={"overdose_risk", "misuse_pattern"},
        must_not={"addiction_signs"},
        levels={"overdose_risk": "talk_soon"},
    ),
    Person(
        "woman who stopped heroin five months ago after a residential program, with no medicine",
        "self",
        {
            "what_used": ("heroin", "street"),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("smoked", "injected"),
            "use_frequency": "not_past_month",
            "last_use": "longer",
            "for_high": "yes",
            "more_for_same": "yes",
            "withdrawal_signs": ("aches", "runny_nose", "sweats_chills", "stomach"),
            "avoid_withdrawal": "yes",
            "more_than_meant": "yes",
            "cut_down": "tried",
            "craving": "yes",
            "gave_up": "yes",
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "past_overdose": "no",
            "has_naloxone": "yes",
            "risk_factors": ("own_past", "trauma"),
        },
        must={"overdose_risk", "addiction_signs"},
        must_not={"dependence_watch"},
        say=("your old amount can now kill", "you told us you stopped", "naltrexone"),
        never_say=("cut down safely", "do not stop suddenly", "you use now and then"),
        levels={"overdose_risk": "urgent"},
    ),
    Person(
        "man out of prison last week who has not used in a year",
        "self",
        {
            "what_used": ("heroin",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("injected",),
            "use_frequency": "not_past_month",
            "last_use": "longer",
            "recent_break": ("jail",),
            "uses_alone": "unsure",
            "has_naloxone": "no",
        },
        must={"overdose_risk", "injecting"},
        say=("the old dose can now kill", "help you start, even today"),
        levels={"overdose_risk": "urgent"},
    ),
    Person(
        "counselor intake: daily fentanyl smoker",
        "counselor",
        {
            "what_used": ("street",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("smoked",),
            "use_frequency": "daily",
            "last_use": "today",
            "recent_break": ("none",),
            "has_naloxone": "no",
        },
        must={"overdose_risk"},
        say=("offer medication for opioid use disorder",),
        never_say=("occasional use",),
    ),
    # Round 3, second part (issue 24, theme 4): an older parent on prescribed pills, seen by a
    # carer. New confusion, heavy sleepiness or an extra dose by mistake is a medicine problem
    # for the prescriber or pharmacist today, not a sign of drug use: no "high", no "misuse",
    # no never-use-alone line (AGS Beers Criteria 2023; FDA 19 December 2019).
    Person(
        "daughter of a 78-year-old on oxycodone, lorazepam and gabapentin: confused, maybe a double dose",
        "other",
        {
            "what_used": ("rx_opioid",),
            "their_age": "age_65_plus",
            "takes_for_pain": "yes",
            "has_prescription": "yes",
            "how_long": "over_three",
            "how_taken": ("none",),
            "med_effects": ("confused", "very_sleepy", "extra_dose"),
            "more_often": "unsure",
            "bigger_dose": "unsure",
            "others_pills": "no",
            "for_high": "no",
            "several_prescribers": "no",
            "behavior_signs": ("personality",),
            "physical_signs": ("drowsy",),
            "found_items": ("none",),
            "mixes_with": ("sedatives", "gabapentin"),
            "uses_alone": "yes",
            "recent_break": ("none",),
            "past_overdose": "no",
            "has_naloxone": "no",
        },
        must={"medicine_effects", "overdose_risk"},
        must_not={"signs_noticed", "misuse_pattern"},
        say=(
            "prescriber or pharmacist today",
            "awake and breathing normally, call poison help at 1-800-222-1222",
            "call 911",
            "do not stop a pill for sleep or anxiety",
            "falls",
            "as people get older",
        ),
        never_say=("not high", "they are high", "misuse", "never use alone", "1-800-484-3731"),
        levels={"medicine_effects": "urgent"},
    ),
    Person(
        "son of an 84-year-old on hydrocodone who seems more mixed up lately, no extra dose",
        "other",
        {
            "what_used": ("rx_opioid",),
            "their_age": "age_65_plus",
            "takes_for_pain": "yes",
            "has_prescription": "yes",
            "how_long": "over_three",
            "how_taken": ("none",),
            "med_effects": ("confused",),
            "more_often": "no",
            "bigger_dose": "no",
            "others_pills": "no",
            "for_high": "no",
            "several_prescribers": "no",
            "mixes_with": ("none",),
            "has_naloxone": "yes",
        },
        must={"medicine_effects"},
        must_not={"overdose_risk", "signs_noticed"},
        say=("prescriber or pharmacist today", "infection"),
        never_say=("1-800-222-1222", "misuse", "not high"),
    ),
    # Round 3, second part (issue 24, theme 1): substances that were one option. Loperamide in
    # large amounts is a danger to the heart (FDA 2016, 2018), and never "do not stop suddenly";
    # kratom is named (NIDA); street "Xanax bars" are often fake (DEA One Pill Can Kill).
    Person(
        "man who takes about 60 Imodium a day to get through withdrawal, and fainted last week",
        "self",
        {
            "what_used": ("loperamide",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "one_to_three",
            "how_taken": ("none",),
            "use_frequency": "daily",
            "last_use": "today",
            "withdrawal_signs": ("aches", "runny_nose", "stomach"),
            "avoid_withdrawal": "yes",
            "cut_down": "tried",
            "time_spent": "yes",
            "mixes_with": ("none",),
            "uses_alone": "yes",
            "recent_break": ("none",),
            "has_naloxone": "no",
        },
        must={"loperamide", "dependence_watch", "addiction_signs"},
        say=("heart", "fainted", "call 911 now", "methadone or buprenorphine ease it"),
        never_say=("do not stop suddenly",),
        levels={"loperamide": "urgent"},
    ),
    Person(
        "mother who finds empty boxes of Imodium in her son's room",
        "other",
        {
            "what_used": ("loperamide", "unsure"),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "unsure",
            "how_taken": ("unsure",),
            "withdrawal_signs": ("runny_nose", "restless"),
            "found_items": ("none",),
            "has_naloxone": "no",
        },
        must={"loperamide"},
        say=("heart", "if they have fainted"),
        levels={"loperamide": "urgent"},
    ),
    Person(
        "client who takes kratom powder every day for back pain and feels sick without it",
        "counselor",
        {
            "what_used": ("kratom",),
            "takes_for_pain": "yes",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("none",),
            "use_frequency": "daily",
            "last_use": "today",
            "withdrawal_signs": ("aches", "restless"),
            "avoid_withdrawal": "yes",
            "mixes_with": ("alcohol",),
            "has_naloxone": "no",
        },
        must={"kratom", "dependence_watch", "naloxone_gap"},
        must_not={"loperamide"},
        say=("kratom acts on opioid receptors", "unregulated"),
    ),
    Person(
        "young man who smokes fentanyl on weekends with “Xanax bars” from a dealer",
        "self",
        {
            "what_used": ("street",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("smoked",),
            "use_frequency": "less_often",
            "last_use": "this_week",
            "for_high": "yes",
            "mixes_with": ("street_benzos",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "past_overdose": "no",
            "has_naloxone": "no",
        },
        must={"overdose_risk"},
        say=("“xanax bars”", "often fake", "together they can stop it"),
        levels={"overdose_risk": "urgent"},
    ),
    # Round 3, second part (issue 24, an earlier judge): use now and then is no reason to lower
    # the overdose risk when alcohol comes with it or the supply is from the street, and the
    # last use was in the past week: the danger is now. One pill weeks ago stays "talk soon".
    Person(
        "man who smokes fentanyl on weekends and drinks when he does",
        "self",
        {
            "what_used": ("street",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("smoked",),
            "use_frequency": "less_often",
            "last_use": "yesterday",
            "for_high": "yes",
            "mixes_with": ("alcohol",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "past_overdose": "no",
            "has_naloxone": "yes",
        },
        must={"overdose_risk"},
        say=("together they can stop it",),
        levels={"overdose_risk": "urgent"},
    ),
    Person(
        "client who buys “percs” most weekends, last four days ago",
        "counselor",
        {
            "what_used": ("street_pills",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("none",),
            "use_frequency": "less_often",
            "last_use": "this_week",
            "for_high": "yes",
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "past_overdose": "no",
            "has_naloxone": "no",
        },
        must={"overdose_risk"},
        levels={"overdose_risk": "urgent"},
    ),
    # Pregnancy with ongoing use or on treatment comes near the top, never "Good to know" last.
    Person(
        "pregnant client at intake who smokes fentanyl every day",
        "counselor",
        {
            "what_used": ("street",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("smoked",),
            "use_frequency": "daily",
            "last_use": "today",
            "for_high": "yes",
            "more_for_same": "yes",
            "withdrawal_signs": ("aches", "sweats_chills", "stomach"),
            "avoid_withdrawal": "yes",
            "more_than_meant": "yes",
            "cut_down": "tried",
            "craving": "yes",
            "mixes_with": ("none",),
            "uses_alone": "yes",
            "recent_break": ("none",),
            "has_naloxone": "no",
            "risk_factors": ("trauma",),
            "pregnant": "yes",
        },
        must={"pregnancy", "overdose_risk", "addiction_signs"},
        say=("methadone or buprenorphine is advised in pregnancy", "priority"),
        levels={"pregnancy": "talk_soon"},
        among_first={"pregnancy": 2},
    ),
    Person(
        "pregnant woman on buprenorphine who still takes pills from a friend",
        "self",
        {
            "what_used": ("moud", "street_pills"),
            "takes_for_pain": "no",
            "has_prescription": "yes",
            "how_long": "over_three",
            "how_taken": ("none",),
            "use_frequency": "weekly",
            "last_use": "this_week",
            "for_high": "yes",
            "craving": "yes",
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "has_naloxone": "yes",
            "pregnant": "yes",
        },
        must={"pregnancy", "in_treatment", "overdose_risk"},
        say=("stay on your methadone or buprenorphine",),
        never_say=("cut down safely",),
        among_first={"pregnancy": 2},
    ),
    # Round 3 (issues 20 and 24): steps follow the facts. No "your prescriber" for someone with
    # none, no cutting down for someone on methadone or buprenorphine who does not ask for it or
    # is pregnant, no "never inject alone" for someone who said they never use alone.
    Person(
        "man of 24 who buys pills on the street, drinks with them, uses more lately, has sleep apnea",
        "self",
        {
            "what_used": ("street_pills",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "one_to_three",
            "how_taken": ("swallowed",),
            "use_frequency": "few_days",
            "last_use": "this_week",
            "for_high": "yes",
            "more_for_same": "yes",
            "mixes_with": ("alcohol",),
            "uses_alone": "yes",
            "recent_break": ("none",),
            "dose_high": "yes",
            "breathing_problem": "yes",
            "has_naloxone": "no",
        },
        must={"overdose_risk"},
        say=("use less at a time", "tell the doctor who treats your breathing"),
        never_say=("your prescriber", "if a doctor prescribed both"),
    ),
    Person(
        "sister of a man who smokes fentanyl most days, who has COPD",
        "other",
        {
            "what_used": ("street",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("smoked",),
            "for_high": "unsure",
            "physical_signs": ("drowsy",),
            "found_items": ("foil",),
            "uses_alone": "unsure",
            "mixes_with": ("unsure",),
            "recent_break": ("none",),
            "dose_high": "yes",
            "breathing_problem": "yes",
            "has_naloxone": "no",
        },
        must={"overdose_risk"},
        say=("if they see a doctor for the breathing problem",),
        never_say=("their prescriber",),
    ),
    Person(
        "client who buys heroin for back pain and finds the pain worse as the amount went up",
        "counselor",
        {
            "what_used": ("heroin",),
            "takes_for_pain": "yes",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("smoked",),
            "use_frequency": "daily",
            "last_use": "today",
            "dose_up_effect": "worse",
            "pain_spread": "yes",
            "illness_worse": "no",
            "withdrawal_signs": ("aches",),
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "has_naloxone": "yes",
        },
        must={"hyperalgesia"},
        say=("refer for a medical review",),
        never_say=("the prescriber",),
    ),
    Person(
        "woman 14 weeks pregnant, stable on buprenorphine, who wishes she could take less",
        "self",
        {
            **METHADONE_PATIENT,
            "use_frequency": "daily",
            "last_use": "today",
            "cut_down": "want",
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "pregnant": "yes",
        },
        must={"pregnancy"},
        must_not={"wants_change"},
        say=("stay on your methadone or buprenorphine",),
        never_say=("healthy goal", "slow plan"),
    ),
    Person(
        "man on methadone who sometimes takes a friend's extra methadone and has cravings",
        "self",
        {
            **METHADONE_PATIENT,
            "what_used": ("moud", "moud_street"),
            "use_frequency": "daily",
            "last_use": "today",
            "more_often": "yes",
            "craving": "yes",
            "cut_down": "no",
            "mixes_with": ("none",),
            "uses_alone": "yes",
            "recent_break": ("none",),
        },
        must={"in_treatment"},
        must_not={"self_treating"},
        say=("keep taking your methadone or buprenorphine", "tell your treatment team"),
        never_say=("cut down safely", "slow plan", "a prescription for buprenorphine"),
    ),
    Person(
        "woman who injects heroin, always with her partner, who carries naloxone",
        "self",
        {
            "what_used": ("heroin",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("injected",),
            "use_frequency": "daily",
            "last_use": "today",
            "craving": "yes",
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "has_naloxone": "yes",
        },
        must={"injecting", "overdose_risk"},
        say=("the person with you knows how to use it",),
        never_say=("never inject alone",),
    ),
    Person(
        "wife of a man whose bone cancer spread, who takes his pain pills more often than written",
        "other",
        {
            "what_used": ("rx_opioid",),
            "takes_for_pain": "yes",
            "has_prescription": "yes",
            "how_long": "over_three",
            "how_taken": ("none",),
            "more_often": "yes",
            "bigger_dose": "no",
            "others_pills": "no",
            "for_high": "no",
            "several_prescribers": "no",
            "more_for_same": "yes",
            "pain_spread": "yes",
            "illness_worse": "yes",
            "physical_signs": ("drowsy",),
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "has_naloxone": "no",
        },
        must={"pain_outgrew_dose"},
        must_not={"misuse_pattern", "tolerance_watch"},
        say=("not misuse or addiction", "call their prescriber or care team today"),
        never_say=("is called misuse",),
        among_first={"pain_outgrew_dose": 2},
    ),
    Person(
        "man who stopped his methadone a month ago and went back to heroin",
        "self",
        {
            "what_used": ("moud", "heroin"),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("smoked",),
            "use_frequency": "few_days",
            "last_use": "this_week",
            "craving": "yes",
            "mixes_with": ("none",),
            "uses_alone": "yes",
            "recent_break": ("stopped_moud",),
            "has_naloxone": "no",
        },
        must={"overdose_risk", "addiction_signs"},
        say=("the old dose can now kill",),
        never_say=("tell your treatment team", "keep taking your methadone"),
    ),
    Person(
        "young woman who is not sure whether she overdosed when she woke on the bathroom floor",
        "self",
        {
            "what_used": ("street_pills",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "one_to_three",
            "how_taken": ("swallowed",),
            "use_frequency": "less_often",
            "last_use": "this_month",
            "for_high": "yes",
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "past_overdose": "unsure",
            "has_naloxone": "yes",
        },
        must={"overdose_risk"},
        say=("treat it as an overdose",),
    ),
    Person(
        "man out of prison five weeks, given a Vivitrol shot at release, who used fentanyl as it wore off",
        "self",
        {
            "what_used": ("naltrexone", "street"),
            "takes_for_pain": "no",
            "has_prescription": "yes",
            "how_long": "over_three",
            "how_taken": ("smoked",),
            "use_frequency": "less_often",
            "last_use": "this_week",
            "craving": "yes",
            "mixes_with": ("none",),
            "uses_alone": "yes",
            "recent_break": ("jail",),
            "has_naloxone": "no",
        },
        must={"overdose_risk", "in_treatment"},
        say=("push past it", "near the end of a shot's month", "tell your team about any other use"),
        never_say=("keep taking your methadone", "the dose can often be raised", "take-home doses"),
    ),
    Person(
        "woman stable on buprenorphine for two years who overdosed once, long before",
        "self",
        {
            **METHADONE_PATIENT,
            "use_frequency": "daily",
            "last_use": "today",
            "withdrawal_signs": ("aches", "restless"),
            "craving": "yes",
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "past_overdose": "yes",
            "dose_high": "no",
            "breathing_problem": "no",
        },
        must={"in_treatment", "overdose_risk"},
        must_not={"misuse_pattern"},
        levels={"overdose_risk": "talk_soon"},
        say=("a past overdose raises the risk",),
        never_say=("can help you cut down safely",),
    ),
    Person(
        "pregnant woman who injects heroin every day",
        "self",
        {
            "what_used": ("heroin",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("injected",),
            "use_frequency": "daily",
            "last_use": "today",
            "craving": "yes",
            "mixes_with": ("none",),
            "uses_alone": "yes",
            "recent_break": ("none",),
            "has_naloxone": "no",
            "pregnant": "yes",
        },
        must={"pregnancy", "overdose_risk", "injecting"},
        say=("in pregnancy they are the advised treatment",),
        never_say=("if cutting down is hard",),
    ),
    Person(
        "pregnant woman who takes her prescribed oxycodone as written for a back injury",
        "self",
        {
            **PAIN_PATIENT,
            "pregnant": "yes",
            "use_frequency": "daily",
            "mixes_with": ("none",),
            "uses_alone": "no",
        },
        must={"pregnancy"},
        must_not={"addiction_signs", "misuse_pattern"},
        say=("tell your prenatal care team",),
        never_say=("if cutting down is hard", "advised treatment, safer"),
    ),
    Person(
        "counselor: woman of 63 on morphine for cancer as prescribed, tired, eating little, nodding off",
        "counselor",
        {
            **PAIN_PATIENT,
            "use_frequency": "daily",
            "more_for_same": "yes",
            "illness_worse": "yes",
            "withdrawal_signs": ("aches", "sweats_chills"),
            "physical_signs": ("appetite", "drowsy"),
            "mixes_with": ("none",),
            "uses_alone": "no",
            "dose_high": "yes",
            "has_naloxone": "no",
        },
        must={"sleepy_on_medicine", "tolerance_expected", "dependence_expected"},
        must_not={"overdose_risk", "addiction_signs", "misuse_pattern"},
        say=("sedation can come before slowed breathing",),
        among_first={"sleepy_on_medicine": 1},
    ),
    Person(
        "man on prescribed hydrocodone after a back operation who keeps nodding off",
        "self",
        {**PAIN_PATIENT, "use_frequency": "daily", "self_signs": ("drowsy",), "mixes_with": ("none",)},
        must={"sleepy_on_medicine"},
        must_not={"signs_noticed", "addiction_signs", "misuse_pattern"},
        say=("tell your prescriber or care team about the sleepiness soon",),
        never_say=("opioid use is causing problems",),
    ),
    Person(
        "counselor: girl of 17 who takes kratom and street Xanax bars",
        "counselor",
        {
            "their_age": "under_18",
            "what_used": ("kratom",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_taken": ("swallowed",),
            "use_frequency": "weekly",
            "last_use": "this_week",
            "for_high": "yes",
            "mixes_with": ("street_benzos",),
            "uses_alone": "no",
            "has_naloxone": "no",
        },
        must={"young_person", "kratom", "overdose_risk"},
        say=("client is under 18", "buprenorphine with a prescriber who treats teens"),
    ),
    Person(
        "young man who takes street M30s every day with beer, and has no prescription",
        "self",
        {
            "what_used": ("street_pills",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_taken": ("swallowed",),
            "use_frequency": "daily",
            "last_use": "today",
            "mixes_with": ("alcohol",),
            "uses_alone": "yes",
            "has_naloxone": "no",
        },
        must={"overdose_risk"},
        say=("use less of each",),
        never_say=("sleep or anxiety pill", "seizures"),
    ),
    Person(
        "man whose brother, five days out of prison, is back on heroin and says he wants to cut down",
        "other",
        {
            "what_used": ("heroin",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_taken": ("injected",),
            "cut_down": "want",
            "recent_break": ("jail",),
            "has_naloxone": "no",
        },
        must={"wants_change", "overdose_risk"},
        say=("methadone or buprenorphine can make cutting down or stopping safer",),
        never_say=("slow plan",),
    ),
    Person(
        "woman on buprenorphine who uses fentanyl some weekends and wants to cut down",
        "self",
        {
            **METHADONE_PATIENT,
            "what_used": ("moud", "street"),
            "use_frequency": "weekly",
            "cut_down": "want",
            "recent_break": ("none",),
            "has_naloxone": "yes",
        },
        must={"wants_change", "in_treatment"},
        say=("cut down other use",),
        never_say=("a slow plan to cut down", "ask a doctor or clinic"),
    ),
    Person(
        "man of 74 on prescribed hydrocodone as written who sleeps badly when a dose is late",
        "self",
        {**PAIN_PATIENT, "use_frequency": "daily", "mind_without": ("sleep",), "mixes_with": ("none",)},
        must_not={"dependence_expected", "dependence_watch"},
    ),
    Person(
        "woman whose partner is on methadone, drinks and takes street Xanax, and nods off",
        "other",
        {
            "what_used": ("moud",),
            "their_age": "over_25",
            "takes_for_pain": "no",
            "has_prescription": "yes",
            "how_long": "over_three",
            "how_taken": ("none",),
            "behavior_signs": ("moody",),
            "physical_signs": ("drowsy",),
            "mixes_with": ("alcohol", "street_benzos"),
            "uses_alone": "unsure",
            "recent_break": ("none",),
            "past_overdose": "unsure",
            "dose_high": "yes",
            "has_naloxone": "no",
        },
        must={"overdose_risk", "in_treatment"},
        must_not={"sleepy_on_medicine"},
        say=("if they seem very sleepy or nod off, encourage them to tell their team soon",),
        never_say=("pain medicine",),
    ),
    Person(
        "woman five weeks past her Vivitrol shot, with cravings, not using",
        "self",
        {
            "what_used": ("heroin", "naltrexone"),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "how_long": "over_three",
            "how_taken": ("injected",),
            "use_frequency": "not_past_month",
            "last_use": "longer",
            "craving": "yes",
            "mixes_with": ("none",),
            "uses_alone": "unsure",
            "recent_break": ("stopped_moud",),
            "has_naloxone": "no",
        },
        must={"overdose_risk"},
        say=("call the clinic or prescriber who gave you naltrexone soon",),
    ),
    Person(
        "woman unsure whether her friend uses opioids at all, who saw her sleepy and withdrawn",
        "other",
        {
            "what_used": ("unsure",),
            "their_age": "age_18_to_25",
            "behavior_signs": ("avoiding",),
            "physical_signs": ("drowsy",),
            "found_items": ("none",),
            "past_overdose": "unsure",
            "has_naloxone": "no",
        },
        must_not={"overdose_risk"},
    ),
    Person(
        "counselor: client stable on methadone, sick when a dose is late, no wish to cut down",
        "counselor",
        {**METHADONE_PATIENT, "withdrawal_signs": ("aches", "sweats_chills"), "cut_down": "no"},
        must={"in_treatment", "dependence_expected"},
        say=("plan any change to the dose with the treatment program",),
        never_say=("taper",),
    ),
    Person(
        "woman whose husband, a truck driver, takes kratom every day, sometimes before driving",
        "other",
        {
            "what_used": ("kratom",),
            "their_age": "over_25",
            "takes_for_pain": "yes",
            "has_prescription": "no",
            "how_long": "over_three",
            "risky_use": "yes",
            "physical_signs": ("drowsy",),
            "mixes_with": ("none",),
            "has_naloxone": "no",
        },
        must={"risky_moments", "kratom"},
        say=("ask them not to drive after using",),
        among_first={"risky_moments": 2},
    ),
    Person(
        "father whose daughter takes naltrexone pills and stays off opioids",
        "other",
        {
            "what_used": ("naltrexone",),
            "takes_for_pain": "no",
            "has_prescription": "yes",
            "how_long": "over_three",
            "how_taken": ("swallowed",),
            "more_often": "no",
            "bigger_dose": "no",
            "others_pills": "no",
            "for_high": "no",
            "several_prescribers": "no",
            "mixes_with": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "has_naloxone": "yes",
        },
        must={"in_treatment"},
        must_not={"overdose_risk", "misuse_pattern", "self_treating"},
        say=("treatment, not misuse",),
        never_say=("take-home doses",),
    ),
    # --- round 4 (issue 24): the people judge7 still found not right -----------------------
    # judge6 S4: 9 years in recovery from heroin, a few days of oxycodone after hernia surgery,
    # cravings since picking the pills up, an overdose long ago. Not "do not stop suddenly".
    Person(
        "man nine years in recovery with a few days of oxycodone after hernia surgery",
        "self",
        {
            **RAY,
        },
        must={"recovery_prescription", "own_medicine"},
        must_not={"addiction_signs"},
        say=(
            "tell your surgeon or prescriber that you are in recovery",
            "ask someone you trust to keep the pills",
            "has lost its tolerance",
            "most people can stop when the pain allows",
            "drug take-back box",
        ),
        never_say=("do not stop suddenly", "cut down safely", "never use alone", "hard to control"),
        among_first={"recovery_prescription": 2},
    ),
    # judge6 S1: five days after a knee replacement, oxycodone as directed, 20 pills left over.
    Person(
        "man five days after a knee replacement, taking oxycodone as directed, pills left over",
        "self",
        DALE,
        must={"own_medicine", "dependence_expected"},
        must_not={"addiction_signs", "overdose_risk"},
        say=("drug take-back box", "locked up", "ask how to step down"),
    ),
    # judge6 S2: hydrocodone for 8 years, cut by half in 6 weeks by her prescriber; one extra
    # dose; worse pain, sweats, no sleep; "sometimes wish I wouldn't wake up" last month.
    Person(
        "woman whose prescriber cut her hydrocodone by half in six weeks, who took one extra dose",
        "self",
        MARIA,
        must={"taper", "overdose_risk"},
        must_not={"misuse_pattern", "dependence_watch"},
        say=(
            "ask to slow it down or pause it",
            "worse pain are common while a dose comes down",
            "your body loses tolerance",
            "call or text 988",
            "often means it is going too fast for you",
        ),
        # The dose is already coming down: not "ask whether your dose is still right" (judge8).
        never_say=("is called misuse", "in ways other than prescribed", "whether your dose is still right"),
        among_first={"taper": 3},
    ),
    # judge5 O1: a 16-year-old whose friend takes "percs" from a dealer; not a parent.
    Person(
        "16-year-old worried about a friend who takes pills from a dealer",
        "other",
        {
            "with_them_now": "no",
            "what_used": ("street_pills",),
            "their_age": "under_18",
            "takes_for_pain": "unsure",
            "has_prescription": "no",
            "physical_signs": ("drowsy", "pupils"),
            "found_items": ("unsure",),
            "recent_break": ("unsure",),
            "has_naloxone": "no",
            "breathing_problem": "unsure",
        },
        must={"young_person", "overdose_risk"},
        say=("tell a trusted adult", "good samaritan laws"),
    ),
    # judge5 O2: a grandmother who found burnt foil and straws; two grandchildren live there.
    Person(
        "grandmother who found burnt foil and straws in her son's room, with children in the home",
        "other",
        {
            "with_them_now": "no",
            "what_used": ("unsure",),
            "their_age": "over_25",
            "takes_for_pain": "no",
            "has_prescription": "no",
            "behavior_signs": ("avoiding", "secretive", "stealing", "moody", "alone"),
            "physical_signs": ("drowsy", "appetite"),
            "found_items": ("foil", "straws"),
            "falling_behind": "yes",
            "trouble_with_people": "yes",
            "recent_break": ("none",),
            "has_naloxone": "no",
            "breathing_problem": "no",
            "risk_factors": ("family", "money"),
        },
        must={"found_items", "overdose_risk"},
        say=("if children live there", "watching the children"),
    ),
    # judge5 O3 (in Spanish): the carer of a confused 80-year-old on a fentanyl patch who may
    # have had an extra dose.
    Person(
        "carer of a confused older man on a fentanyl patch who may have had an extra dose",
        "other",
        {
            "with_them_now": "yes",
            "what_used": ("rx_opioid",),
            "their_age": "age_65_plus",
            "takes_for_pain": "yes",
            "has_prescription": "yes",
            "how_long": "over_three",
            "how_taken": ("none",),
            "med_effects": ("confused", "very_sleepy", "extra_dose"),
            "others_pills": "no",
            "for_high": "no",
            "several_prescribers": "no",
            "found_items": ("none",),
            "uses_alone": "no",
            "recent_break": ("none",),
            "past_overdose": "no",
            "has_naloxone": "no",
        },
        must={"medicine_effects"},
        say=("take the patch off", "an old patch that was not taken off", "keep heat off a patch"),
    ),
    # judge6 S3: uses cocaine at parties, never opioids on purpose, worried about fentanyl.
    Person(
        "man who uses cocaine at parties and is worried about fentanyl in it",
        "self",
        {"what_used": ("none",), "mixes_with": ("none",), "has_naloxone": "no"},
        must={"no_opioids"},
        say=("fentanyl test strips", "a negative test does not mean it is safe", "signs of an overdose"),
    ),
    # The same man: the fentanyl steps lead the end page, before the helplines.
    Person(
        "man who uses cocaine at parties: test strips first",
        "self",
        {"what_used": ("none",)},
        must={"no_opioids"},
        first_steps=("fentanyl test strips", "signs of an overdose"),
    ),
    # judge5 C3: two years in recovery, no opioid use in the past year; the check ends early.
    Person(
        "counselor: client two years in recovery, no opioid use in the past year",
        "counselor",
        {"what_used": ("none",), "their_age": "over_25", "has_naloxone": "yes"},
        must={"no_opioids"},
        say=("tolerance is gone if use comes back", "offer naloxone"),
    ),
    Person(
        "man in recovery, no opioids in the past year",
        "self",
        {"what_used": ("none",)},
        must={"no_opioids"},
        say=("your body has lost its tolerance", "keep naloxone close"),
    ),
]


@pytest.mark.parametrize("person", PEOPLE, ids=[p.name for p in PEOPLE])
def test_round_two_people(person: Person) -> None:
    check_person(BANK, person)


def check_person(bank: Bank, person: Person) -> None:
    """Assert what this person must and must not be told (on any bank)."""
    report = evaluate(bank, answers_for(person.audience, bank, **person.answers), person.audience)
    ids = set(fired(report))
    assert person.must <= ids, f"missing {person.must - ids}; fired {ids}"
    assert not ids & person.must_not, f"should not fire: {ids & person.must_not}"
    words = " ".join(text for r in report.findings for text in (r.title, r.explanation, *r.steps)).lower()
    for phrase in person.say:
        assert phrase.lower() in words, f"does not say {phrase!r}"
    for phrase in person.never_say:
        assert phrase.lower() not in words, f"says {phrase!r}"
    for result in report.findings:
        assert len(set(result.steps)) == len(result.steps), f"{result.id} repeats a step"
    shown = {r.id: r.level for r in report.findings}
    for finding_id, level in person.levels.items():
        assert shown.get(finding_id) == level, f"{finding_id} shown as {shown.get(finding_id)}, not {level}"
    order = [r.id for r in report.findings]
    for finding_id, most in person.among_first.items():
        assert finding_id in order[:most], f"{finding_id} not among the first {most}: {order}"
    if person.first_steps:
        steps = report.findings[0].steps
        for phrase, step in zip(person.first_steps, steps, strict=False):
            assert phrase.lower() in step.lower(), f"step {step!r} does not say {phrase!r}"
    for finding_id, questions in person.why.items():
        (result,) = [r for r in report.findings if r.id == finding_id]
        assert {t.question_id for t in result.triggers} == questions


# The least each finding needs, in questions every audience is asked: the same pattern must
# fire whoever answers.
EVERY_AUDIENCE: dict[str, dict[str, Any]] = {
    "overdose_now": {"overdose_signs_now": "yes"},
    "suicide_thoughts": {"suicide_thoughts_q": "now"},
    "suicide_past_month": {"suicide_thoughts_q": "past_month"},
    "overdose_self_now": {"took_too_much": "yes"},
    "overdose_check_on_them": {"with_them_now": "no", "overdose_signs_now": "unsure"},
    "suicide_unsure": {"suicide_thoughts_q": "unsure"},
    "medicine_effects": {"has_prescription": "yes", "med_effects": ("confused",)},
    "loperamide": {"what_used": ("loperamide",)},
    "overdose_risk": {"mixes_with": ("sedatives",)},
    "addiction_signs": {"cut_down": "tried", "gave_up": "yes"},
    "misuse_pattern": {"others_pills": "yes"},
    "self_treating": {"what_used": ("moud_street",)},
    "found_items": {"found_items": ("foil",)},
    "pregnancy": {"pregnant": "yes"},
    "no_opioids": {"what_used": ("none",)},
    "wants_change": {"cut_down": "want"},
    "young_person": {"their_age": "under_18"},
    "hyperalgesia": {**AS_PRESCRIBED, "pain_spread": "yes"},
    "tolerance_watch": {"has_prescription": "no", "same_dose_less": "yes"},
    "dependence_watch": {"others_pills": "yes", "avoid_withdrawal": "yes"},
    "injecting": {"how_taken": ("injected",)},
    "risky_moments": {"risky_use": "yes"},
    "sleepy_on_medicine": {**AS_PRESCRIBED, "self_signs": ("drowsy",), "physical_signs": ("drowsy",)},
    "signs_noticed": {
        "behavior_signs": ("alone",),
        "physical_signs": ("hygiene",),
        "self_signs": ("avoiding", "hygiene"),
    },
    "tolerance_expected": {**AS_PRESCRIBED, "more_for_same": "yes"},
    "dependence_expected": {**AS_PRESCRIBED, "mind_without": ("anxious", "sleep")},
    "in_treatment": {"what_used": ("moud",), "has_prescription": "yes"},
    "pain_outgrew_dose": {**AS_PRESCRIBED, "illness_worse": "yes", "more_often": "yes"},
    "kratom": {"what_used": ("kratom",)},
    "naloxone_gap": {"has_naloxone": "no"},
    "context_factors": {"risk_factors": ("rural",)},
    "recovery_prescription": {**AS_PRESCRIBED, "risk_factors": ("recovery",)},
    "own_medicine": {**AS_PRESCRIBED, "how_long": "few_days"},
    "taper": {**AS_PRESCRIBED, "cut_down": "prescriber_cut"},
}


@pytest.mark.parametrize(
    ("finding_id", "audience"),
    [(f.id, a) for f in BANK.findings for a in ("self", "other", "counselor")],
)
def test_each_finding_fires_for_each_audience_in_its_own_words(finding_id: str, audience: str) -> None:
    finding = next(f for f in BANK.findings if f.id == finding_id)
    report = evaluate(BANK, answers_for(audience, **EVERY_AUDIENCE[finding_id]), audience)
    if audience not in finding.audiences:
        assert finding_id not in fired(report)  # a finding for one audience only, like overdose_self_now
        return
    (result,) = [r for r in report.findings if r.id == finding_id]
    assert result.title == finding.title.get(audience)
    assert result.explanation.startswith(finding.explanation.get(audience))
    assert result.steps[: len(finding.steps.get(audience))] == finding.steps.get(audience)
    assert result.steps
    asked = {q.id for q in BANK.questions.values() if audience in q.audiences}
    wanted = (set(EVERY_AUDIENCE[finding_id]) - set(AS_PRESCRIBED)) & asked
    assert {t.question_id for t in result.triggers} >= wanted


def test_every_finding_has_a_vignette() -> None:
    assert set(EVERY_AUDIENCE) == {f.id for f in BANK.findings}
    covered = set().union(
        *(must for _, _, _, must, _ in VIGNETTES + CRISIS_VIGNETTES), *(p.must for p in PEOPLE)
    )
    assert covered == {f.id for f in BANK.findings}


def test_the_emergency_comes_first_with_its_helpline() -> None:
    report = evaluate(
        BANK, answers_for("self", suicide_thoughts_q="now", craving="yes", mixes_with=("sedatives",)), "self"
    )
    assert fired(report)[0] == "suicide_thoughts"
    assert [r.level for r in report.findings][:3] == ["emergency", "urgent", "talk_soon"]
    assert report.resources[0].id == "lifeline_988"


def test_triggers_say_which_answers_made_a_pattern_fire() -> None:
    report = evaluate(
        BANK, answers_for("other", behavior_signs=("avoiding", "moody"), physical_signs=("drowsy",)), "other"
    )
    (signs,) = [r for r in report.findings if r.id == "signs_noticed"]
    assert [(t.question_id, t.answer) for t in signs.triggers] == [
        ("behavior_signs", "Avoiding family or friends, Moody, irritable or nervous"),
        ("physical_signs", "Very tired, drowsy or nodding off"),
    ]
    assert signs.triggers[0].question == BANK.questions["behavior_signs"].text.get("other")


def test_not_sure_is_counted_never_as_no() -> None:
    report = evaluate(
        BANK, answers_for("other", craving="unsure", cut_down="unsure", has_prescription="unsure"), "other"
    )
    assert report.unsure == 3
    assert "addiction_signs" not in fired(report)


def test_counselor_areas_are_listed_without_a_count_or_severity() -> None:
    report = evaluate(
        BANK,
        answers_for(
            "counselor",
            craving="yes",
            cut_down="tried",
            time_spent="unsure",
            more_for_same="yes",
            withdrawal_signs=("aches",),
            risk_factors=("family",),
        ),
        "counselor",
    )
    assert [a.id for a in report.areas] == ["cutting_down", "craving", "tolerance", "withdrawal"]
    assert "Much time getting, using or recovering" in report.unclear_areas
    tolerance = next(a for a in report.areas if a.id == "tolerance")
    assert "as prescribed" in tolerance.note


def test_risk_factors_never_make_an_area() -> None:
    everything = tuple(o.value for o in BANK.questions["risk_factors"].options if o.value != "unsure")
    report = evaluate(BANK, answers_for("counselor", risk_factors=everything), "counselor")
    assert report.areas == ()
    assert fired(report) == ["context_factors"]


def labels(question_id: str, audience: str) -> list[str]:
    return [o.label.get(audience) for o in BANK.questions[question_id].all_options]


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_what_is_used_names_what_people_look_for(audience: str) -> None:
    options = " ".join(labels("what_used", audience)).lower()
    for name in (
        "fentanyl patch",
        "percs",
        "m30s",
        "naltrexone",
        "kratom",
        "loperamide",
        "codeine cough syrup",
        "not prescribed to",
    ):
        assert name in options, name
    # A prescribed fentanyl patch is pharmacy medicine: no other option begins with fentanyl.
    assert not [label for label in labels("what_used", audience) if label.lower().startswith("fentanyl")]


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_tramadol_and_codeine_are_pharmacy_opioids_kratom_and_loperamide_options(audience: str) -> None:
    """Issue 24, theme 1: tramadol and codeine are medicine from a pharmacy, not "something else"."""
    pharmacy = BANK.questions["what_used"].option("rx_opioid")
    assert pharmacy is not None
    assert "tramadol" in pharmacy.label.get(audience) and "codeine" in pharmacy.label.get(audience)
    others = [o for o in BANK.questions["what_used"].all_options if o.value != "rx_opioid"]
    assert not [o.value for o in others if re.search("tramadol|codeine", o.label.get(audience), re.I)]
    assert {"kratom", "loperamide"} <= {o.value for o in others}


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_no_two_questions_read_the_same_to_one_audience(audience: str) -> None:
    texts = [q.text.get(audience) for q in BANK.questions.values() if audience in q.audiences]
    assert len(texts) == len(set(texts))


def test_the_self_check_asks_one_short_list_of_changes() -> None:
    signs = next(s for s in BANK.sections if s.id == "signs")
    assert [q.id for q in signs.for_audience("self")] == ["self_signs"]
    seen_from_outside = sum(len(q.options) for q in signs.for_audience("other"))
    assert len(BANK.questions["self_signs"].options) < seen_from_outside / 2


def test_no_opioids_ends_the_questions_after_what_is_used() -> None:
    from screener.rules import visible_sections

    for audience in ("self", "other", "counselor"):
        pages = visible_sections(BANK, answers_for(audience, what_used=("none",)), audience)
        assert [s.id for s, _ in pages] == ["safety", "substances"]


def test_every_source_is_a_current_primary_page_over_https() -> None:
    retired = ("cpmission.com", "teens.drugabuse.gov", "ihs.gov", "web.archive.org")
    sources = [s for f in BANK.findings for s in f.sources]
    sources += [s for page in BANK.learn.values() for s in page.sources]
    sources += [s for r in BANK.resources.values() for s in r.sources]
    assert all(s.url.startswith("https://") for s in sources)
    assert not [s.url for s in sources if any(host in s.url for host in retired)]
    hyperalgesia = next(f for f in BANK.findings if f.id == "hyperalgesia")
    assert any(
        "13 April 2023" in s.title and s.url.startswith("https://www.fda.gov/") for s in hyperalgesia.sources
    )


# --- the crisis pages: who is there, how acute, and after-care ---------------------------
# Kept apart from the table above so that the two grow without stepping on each other.

CRISIS_VIGNETTES: list[tuple[str, str, dict[str, Any], set[str], set[str]]] = [
    (
        "a family member who is there and not sure: treat it as an overdose",
        "other",
        {"with_them_now": "yes", "overdose_signs_now": "unsure"},
        {"overdose_now"},
        set(),
    ),
    (
        "a family member far away and not sure: no overdose page, but how to check on them",
        "other",
        {"with_them_now": "no", "overdose_signs_now": "unsure"},
        {"overdose_check_on_them"},
        {"overdose_now"},
    ),
    (
        "a family member who is there and sees no signs: nothing to check from afar",
        "other",
        {"with_them_now": "yes", "overdose_signs_now": "no"},
        set(),
        {"overdose_now", "overdose_check_on_them"},
    ),
    (
        "a family member far away who knows of signs now: still an emergency",
        "other",
        {"with_them_now": "no", "overdose_signs_now": "yes"},
        {"overdose_now"},
        set(),
    ),
    (
        "not sure at intake: treat it as an overdose",
        "counselor",
        {"overdose_signs_now": "unsure"},
        {"overdose_now"},
        set(),
    ),
    (
        "I may have taken too much and feel very sleepy",
        "self",
        {"took_too_much": "yes"},
        {"overdose_self_now"},
        {"overdose_now"},
    ),
    (
        "not sure whether I took too much, and very sleepy",
        "self",
        {"took_too_much": "unsure"},
        {"overdose_self_now"},
        set(),
    ),
    (
        "they may act on thoughts of suicide now",
        "other",
        {"suicide_thoughts_q": "now"},
        {"suicide_thoughts"},
        {"suicide_past_month", "suicide_unsure"},
    ),
    (
        "thoughts in the past month, not now: not an emergency",
        "self",
        {"suicide_thoughts_q": "past_month"},
        {"suicide_past_month"},
        {"suicide_thoughts", "suicide_unsure"},
    ),
    (
        "thoughts in the past month, at intake",
        "counselor",
        {"suicide_thoughts_q": "past_month"},
        {"suicide_past_month"},
        {"suicide_thoughts"},
    ),
    (
        "no thoughts of suicide",
        "other",
        {"suicide_thoughts_q": "no"},
        set(),
        {"suicide_thoughts", "suicide_past_month", "suicide_unsure"},
    ),
]
INTERRUPTS = {"overdose_now", "overdose_self_now", "suicide_thoughts", "suicide_past_month"}


@pytest.mark.parametrize(
    ("audience", "given", "must", "must_not"),
    [v[1:] for v in CRISIS_VIGNETTES],
    ids=[v[0] for v in CRISIS_VIGNETTES],
)
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


@pytest.mark.parametrize(
    ("finding_id", "audience", "given"), AFTERCARE_CASES, ids=[f"{f}-{a}" for f, a, _ in AFTERCARE_CASES]
)
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
        # CPR for someone not breathing comes before the 2-3 minute wait for a second dose (AHA).
        assert steps[0].startswith("Give naloxone") and "at hand" in steps[0]
        assert "start CPR now. Do not wait to see if naloxone works" in steps[1]
        assert "Push hard and fast on the center of the chest" in steps[1]
        assert "dispatcher will coach you" in steps[1]
        assert "give 2 rescue breaths after every 30 pushes" in steps[1]
        assert "2 to 3 minutes" in steps[2] and "new device" in steps[2] and "other nostril" in steps[2]
        assert "keep up CPR" in steps[2] and "Repeat every 2 to 3 minutes while there is more" in steps[2]
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
    for words in (
        "Call or text 988",
        "crisis counselor answers",
        "videophone",
        "711",
        "safety plan",
        "naloxone",
    ):
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


def test_every_page_that_says_what_to_do_in_an_overdose_says_all_of_it() -> None:
    """A parent who opens "Learn more" mid-crisis reads the same complete steps as the 911 page."""
    learn = " ".join(b.text or " ".join(b.items) for b in BANK.learn["overdose"].body)
    needed = (
        "new device, in the other nostril",
        "CPR now",
        "every 2 to 3 minutes",
        "rescue breaths",
        "onto their side",
    )
    assert [words for words in needed if words not in learn] == []
    samaritan = [
        text
        for finding in BANK.findings
        for steps in (finding.steps.by_audience.values())
        for text in (*steps, *(b.text for b in finding.more), *(i for b in finding.more for i in b.items))
        if "Good Samaritan" in text
    ]
    assert samaritan and all("some drug charges" in text for text in samaritan), samaritan
