"""Facts about the person, and "What to do next" chosen by them: no advice contradicts an answer.

Each action a pattern asks for lives in the bank with its condition (usually a fact); the
engine keeps those that fit the answers. The people below answer as they would; the table of
contradictions is checked over generated answer sets for every audience and region.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener import plan
from screener.bank import BankError, IsFact, load, parse, questions_in
from screener.regions import REGIONS
from screener.rules import evaluate
from tests.test_bank import mini
from tests.test_vignettes import DALE, MARIA, METHADONE_PATIENT, PAIN_PATIENT, RAY, answers_for

BANK = load()


def action_keys(audience: str, answers: dict[str, Any], region: str = "US") -> list[str]:
    report = evaluate(BANK, answers, audience)
    return [a.key for a in plan.actions(report, audience, REGIONS[region], BANK)]


# --- people, as they would answer ---------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    audience: str
    answers: dict[str, Any]
    must: set[str] = field(default_factory=set)
    must_not: set[str] = field(default_factory=set)
    first: str | None = None


STREET_USER = {
    "what_used": ("street_pills",),
    "takes_for_pain": "no",
    "has_prescription": "no",
    "how_taken": ("smoked",),
    "craving": "yes",
}

PEOPLE = [
    Person(
        "smokes blue pills, has naloxone in her bag and never uses alone",
        "self",
        {**STREET_USER, "has_naloxone": "yes", "uses_alone": "no"},
        must={"keep_naloxone", "talk"},
        must_not={"naloxone", "spotter"},
    ),
    Person(
        "smokes blue pills alone, has no naloxone",
        "self",
        {**STREET_USER, "has_naloxone": "no", "uses_alone": "yes"},
        must={"naloxone", "spotter"},
        must_not={"keep_naloxone"},
    ),
    Person(
        "not sure whether there is naloxone at home",
        "self",
        {**STREET_USER, "has_naloxone": "unsure"},
        must={"naloxone"},
        must_not={"keep_naloxone"},
    ),
    Person(
        "pain patient, as prescribed, also takes a sleeping pill, has naloxone",
        "self",
        {**PAIN_PATIENT, "mixes_with": ("sedatives",), "has_naloxone": "yes", "uses_alone": "yes"},
        # Not to mix, and to ask the prescriber about it, in one line (round 4, judge6 C2).
        must={"no_mixing", "keep_naloxone"},
        must_not={"spotter", "naloxone"},
        first="no_mixing",
    ),
    Person(
        "pain patient, as prescribed, with gabapentin, no naloxone yet",
        "self",
        {**PAIN_PATIENT, "mixes_with": ("gabapentin",), "has_naloxone": "no", "uses_alone": "yes"},
        must={"no_mixing", "naloxone"},
        must_not={"spotter"},
        first="no_mixing",
    ),
    Person(
        "wants to cut down on pills from a friend, no prescriber",
        "self",
        {
            "what_used": ("rx_opioid",),
            "takes_for_pain": "yes",
            "has_prescription": "no",
            "others_pills": "yes",
            "cut_down": "want",
            "has_naloxone": "yes",
        },
        must={"talk"},
        must_not={"prescriber"},
    ),
    Person(
        "pain patient who wants to cut down",
        "self",
        {**PAIN_PATIENT, "cut_down": "want", "has_naloxone": "yes"},
        must={"prescriber"},
    ),
    Person(
        "street heroin, pain worse as the dose went up, no prescriber",
        "self",
        {
            "what_used": ("heroin",),
            "takes_for_pain": "yes",
            "has_prescription": "no",
            "dose_up_effect": "worse",
            "has_naloxone": "yes",
        },
        must={"talk"},
        must_not={"prescriber", "naloxone"},
    ),
    Person(
        "mother who keeps naloxone for her son who injects",
        "other",
        {
            "what_used": ("heroin",),
            "has_prescription": "no",
            "how_taken": ("injected",),
            "has_naloxone": "yes",
        },
        must={"keep_naloxone", "talk"},
        must_not={"naloxone", "spotter"},
    ),
    Person(
        "counselor: client injects, carries naloxone",
        "counselor",
        {
            "what_used": ("heroin",),
            "has_prescription": "no",
            "how_taken": ("injected",),
            "has_naloxone": "yes",
            "uses_alone": "yes",
        },
        must={"talk"},
        must_not={"naloxone", "spotter"},
    ),
    Person(
        "woman who takes about 40 Imodium a day for withdrawal and felt her heart flutter",
        "self",
        {
            "what_used": ("loperamide",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "use_frequency": "daily",
            "last_use": "today",
            "withdrawal_signs": ("aches", "stomach"),
            "uses_alone": "yes",
            "has_naloxone": "no",
        },
        must={"heart", "talk"},
        first="heart",
    ),
    Person(
        "man who stopped his methadone a month ago and went back to heroin",
        "self",
        {
            "what_used": ("moud", "heroin"),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "recent_break": ("stopped_moud",),
            "craving": "yes",
            "has_naloxone": "no",
        },
        must={"talk"},
        must_not={"team"},
    ),
    Person(
        "methadone patient back from a hospital stay, has naloxone",
        "self",
        {**METHADONE_PATIENT, "recent_break": ("hospital",), "has_naloxone": "yes", "uses_alone": "yes"},
        must={"keep_naloxone", "team"},
        must_not={"naloxone", "spotter", "prescriber"},
    ),
    Person(
        "woman stable on buprenorphine for two years who overdosed once, long before",
        "self",
        {
            **METHADONE_PATIENT,
            "use_frequency": "daily",
            "withdrawal_signs": ("aches", "restless"),
            "craving": "yes",
            "uses_alone": "no",
            "past_overdose": "yes",
        },
        must={"keep_naloxone", "team"},
        must_not={"naloxone", "spotter"},
        first="team",
    ),
    Person(
        "man out of jail two days ago who used heroin daily before, has no naloxone",
        "self",
        {
            "what_used": ("heroin",),
            "takes_for_pain": "no",
            "has_prescription": "no",
            "recent_break": ("jail",),
            "uses_alone": "yes",
            "has_naloxone": "no",
        },
        must={"tolerance_gone", "naloxone"},
        first="tolerance_gone",
    ),
    Person(
        "counselor: cancer patient on morphine as prescribed, tired, eating little, nodding off",
        "counselor",
        {
            **PAIN_PATIENT,
            "more_for_same": "yes",
            "illness_worse": "yes",
            "physical_signs": ("appetite", "drowsy"),
            "dose_high": "yes",
            "has_naloxone": "no",
        },
        must={"prescriber", "naloxone"},
        first="prescriber",
    ),
    # judge6 S4 (round 4): the plan for the pills leads, never "do not stop suddenly".
    Person(
        "man nine years in recovery with a few days of oxycodone after hernia surgery",
        "self",
        RAY,
        must={"recovery_plan", "naloxone"},
        must_not={"prescriber", "spotter"},
        first="recovery_plan",
    ),
    # judge8, the same man answering "Less than a month": still no "do not stop suddenly"
    # beside his plan for the pills (the plan already tells the surgeon).
    Person(
        "man nine years in recovery, two weeks of oxycodone after surgery",
        "self",
        {**RAY, "how_long": "under_month"},
        must={"recovery_plan", "naloxone"},
        must_not={"prescriber", "spotter"},
        first="recovery_plan",
    ),
    # judge6 S1 (round 4): a few days after surgery, stop when the pain allows.
    Person(
        "man five days after a knee replacement, taking oxycodone as directed",
        "self",
        DALE,
        must={"short_course"},
        must_not={"prescriber"},
        first="short_course",
    ),
    # judge6 S2 (round 4): after the 988 card, the taper: ask to slow it down or pause it.
    Person(
        "woman whose prescriber cut her hydrocodone by half in six weeks",
        "self",
        MARIA,
        must={"crisis", "taper", "naloxone"},
    ),
]


@pytest.mark.parametrize("person", PEOPLE, ids=[p.name for p in PEOPLE])
def test_what_to_do_next_fits_the_person(person: Person) -> None:
    keys = action_keys(person.audience, answers_for(person.audience, BANK, **person.answers))
    assert person.must <= set(keys), f"missing {person.must - set(keys)}; got {keys}"
    assert not set(keys) & person.must_not, f"should not say {set(keys) & person.must_not}; got {keys}"
    if person.first:
        assert keys[0] == person.first, keys


# --- no advice contradicts an answer -------------------------------------------------------


def _chosen(answers: dict[str, Any], qid: str) -> tuple[str, ...]:
    value = answers.get(qid, ())
    return value if isinstance(value, tuple) else (value,)


def _only_as_prescribed(answers: dict[str, Any]) -> bool:
    fact = BANK.facts["only_as_prescribed"]
    from screener.rules import relevant_answers, truth

    return truth(fact.when, relevant_answers(BANK, answers, "self")) is True


# (what the answers say, the action that would contradict it)
CONTRADICTIONS: list[tuple[str, Callable[[dict[str, Any]], bool], str]] = [
    ("has naloxone: never told to get it", lambda a: a.get("has_naloxone") == "yes", "naloxone"),
    ("no naloxone: never told to keep theirs", lambda a: a.get("has_naloxone") != "yes", "keep_naloxone"),
    ("never uses alone: never the never-use-alone line", lambda a: a.get("uses_alone") == "no", "spotter"),
    ("takes prescribed medicine only as prescribed: never the spotter line", _only_as_prescribed, "spotter"),
    ("no prescriber: never 'your prescriber'", lambda a: a.get("has_prescription") != "yes", "prescriber"),
]


def _answer_sets(audience: str) -> st.SearchStrategy[dict[str, Any]]:
    """Any answers this audience could give, one per question (multi: any non-empty set)."""
    fields = {}
    for question in BANK.questions.values():
        if audience not in question.audiences:
            continue
        values = [o.value for o in question.all_options]
        if question.type == "multi":
            fields[question.id] = st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True).map(
                tuple
            )
        else:
            fields[question.id] = st.sampled_from(values)
    return st.fixed_dictionaries(fields)


@pytest.mark.parametrize("region", sorted(REGIONS))
@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_action_contradicts_an_answer(audience: str, region: str, data: st.DataObject) -> None:
    answers = data.draw(_answer_sets(audience))
    keys = action_keys(audience, answers, region)
    kept = evaluate(BANK, answers, audience)  # the same answers the engine kept
    assert kept.actions == tuple(dict.fromkeys(kept.actions))
    broken = [name for name, says, action in CONTRADICTIONS if action in keys and says(answers)]
    assert not broken, (broken, keys, answers)


def test_each_contradiction_row_can_be_met() -> None:
    """Each row names an action the bank really gives, so the table can fail."""
    given_somewhere = {ref.key for f in BANK.findings for ref in f.actions}
    assert {action for _, _, action in CONTRADICTIONS} <= given_somewhere


# --- facts in the bank ----------------------------------------------------------------------


def _walk(condition: Any) -> list[Any]:
    """Every condition inside `condition`, not looking inside a named fact."""
    found = [condition]
    if isinstance(condition, IsFact):
        return found
    for name in ("item", "items"):
        inner = getattr(condition, name, None)
        if inner is not None:
            for item in inner if isinstance(inner, tuple) else (inner,):
                found += _walk(item)
    return found


def test_no_rule_repeats_a_facts_condition_inline() -> None:
    facts = {fact.id: fact.when for fact in BANK.facts.values()}
    rules = [f.when for f in BANK.findings] + [p.when for f in BANK.findings for p in f.parts]
    rules += [a.when for a in BANK.areas] + [a.note_when for a in BANK.areas if a.note_when]
    rules += [c for f in BANK.findings for r in f.actions for c in (r.when, r.unless) if c]
    rules += [fact.when for fact in BANK.facts.values()]
    repeats = [
        (fact_id, rule)
        for rule in rules
        for inner in _walk(rule)
        for fact_id, when in facts.items()
        if inner == when and inner is not when
    ]
    assert not repeats, repeats


def test_the_shared_ideas_are_named_facts_used_by_several_rules() -> None:
    for fact_id in ("only_as_prescribed", "maybe_not_as_prescribed", "street_supply", "has_prescriber"):
        users = [
            f.id
            for f in BANK.findings
            if any(isinstance(c, IsFact) and c.fact == fact_id for c in _walk(f.when))
            or any(isinstance(c, IsFact) and c.fact == fact_id for p in f.parts for c in _walk(p.when))
        ]
        assert len(users) >= 2, (fact_id, users)
    assert "has_prescription" in set(questions_in(BANK.facts["only_as_prescribed"].when))


def _with_facts(*facts: dict[str, Any], when: Any = None) -> dict[str, Any]:
    data = copy.deepcopy(mini())
    data["facts"] = list(facts)
    if when is not None:
        data["findings"][0]["when"] = when
    return data


URGES = {"id": "has_urges", "meaning": "Has strong urges.", "when": {"answer": "urges", "is": "yes"}}


def test_a_finding_can_name_a_fact_and_its_answers_show() -> None:
    bank = parse(_with_facts(URGES, when={"fact": "has_urges"}))
    report = evaluate(bank, {"for_pain": "yes", "urges": "yes"}, "self")
    assert [r.id for r in report.findings] == ["craving_found"]
    assert [t.question_id for t in report.findings[0].triggers] == ["urges"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _with_facts(when={"fact": "nowhere"}),
            "findings[0].when.fact: unknown fact 'nowhere' (known here: none yet)",
        ),
        (
            _with_facts(URGES, when={"any": [{"fact": "has_urges"}, {"fact": "nowhere"}]}),
            "findings[0].when.any[1].fact: unknown fact 'nowhere' (known here: has_urges)",
        ),
        (
            _with_facts({**URGES, "means": "typo"}, when={"fact": "has_urges"}),
            "facts[0]: unknown key 'means'",
        ),
        (  # a broken condition in a fact a rule uses: still a located problem, never a crash
            _with_facts(
                {**URGES, "when": {"answer": "urges", "is": "yes", "in": ["yes"]}}, when={"fact": "has_urges"}
            ),
            "facts[0].when: use {answer: ID, is: VALUE} or {answer: ID, in: [VALUES]}",
        ),
        (
            _with_facts(
                {"id": "first_fact", "meaning": "m", "when": {"fact": "second_fact"}},
                {**URGES, "id": "second_fact"},
                when={"fact": "first_fact"},
            ),
            "facts[0].when.fact: fact 'second_fact' is not defined before this point",
        ),
        (
            _with_facts({**URGES, "when": {"fact": "has_urges"}}, when={"fact": "has_urges"}),
            "facts[0].when.fact: fact 'has_urges' is not defined before this point",
        ),
        (_with_facts(URGES), "facts[0].id: fact 'has_urges' is used by no rule"),
        (
            _with_facts(
                {"id": "has_urges", "when": {"answer": "urges", "is": "yes"}}, when={"fact": "has_urges"}
            ),
            "facts[0].meaning",
        ),
    ],
    ids=[
        "unknown",
        "unknown among others",
        "unknown key",
        "a broken condition",
        "a later fact",
        "itself (a circle)",
        "unused",
        "no meaning",
    ],
)
def test_a_bad_fact_is_named_at_its_place(data: dict[str, Any], message: str) -> None:
    with pytest.raises(BankError) as caught:
        parse(data)
    assert any(problem.startswith(message) for problem in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ({"do": "dance"}, "findings[0].actions[1].do: unknown action 'dance'"),
        ({"do": "talk", "whne": {"answered": "urges"}}, "findings[0].actions[1]: unknown key 'whne'"),
        ({"do": "talk", "unless": {"answered": "nope"}}, "findings[0].actions[1].unless.answered: unknown"),
    ],
)
def test_an_unknown_action_is_named_at_its_place(action: dict[str, Any], message: str) -> None:
    data = copy.deepcopy(mini())
    data["findings"][0]["actions"] = ["talk", action]
    with pytest.raises(BankError) as caught:
        parse(data)
    assert any(p.startswith(message) for p in caught.value.problems), caught.value.problems


def test_the_mini_banks_actions_are_read_with_their_words_and_what_they_open() -> None:
    data = copy.deepcopy(mini())
    with pytest.raises(BankError) as caught:
        parse({k: v for k, v in data.items() if k != "actions"})
    assert "actions: expected a list, got nothing" in caught.value.problems
    actions = parse(mini()).actions
    assert actions["talk"].call == "talk" and actions["talk"].learn is None
    assert actions["talk"].title.get("other") == "Talk it through"
    assert actions["read"].learn == "basics" and actions["read"].link_text == "Read more"
    assert actions["read"].title.has("self") and not actions["read"].title.has("other")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"call": "talk", "learn": "basics"}, "actions[0]: an action either calls a line"),
        ({"call": None}, "actions[0]: an action either calls a line"),
        ({"call": "taxi"}, "actions[0].call: unknown line 'taxi'"),
        ({"call": None, "learn": "nope", "link_text": "Go"}, "actions[0].learn: unknown learn page 'nope'"),
        ({"call": None, "learn": "basics"}, "actions[0].link_text:"),
        ({"text": {"self": "Only one."}}, "actions[0].text: missing wording for audience 'other'"),
        ({"id": "talk", "colour": "red"}, "actions[0]: unknown key 'colour'"),
        ({"id": "chat"}, "actions: an action 'talk' that calls the region's talk line is needed"),
        ({"call": "crisis"}, "actions: an action 'talk' that calls the region's talk line is needed"),
    ],
)
def test_a_broken_action_is_named_at_its_place(change: dict[str, Any], message: str) -> None:
    """Each broken piece of the mini bank's `talk` action is named where it is."""
    data = copy.deepcopy(mini())
    data["actions"][0] = {k: v for k, v in {**data["actions"][0], **change}.items() if v is not None}
    with pytest.raises(BankError) as caught:
        parse(data)
    assert any(p.startswith(message) for p in caught.value.problems), caught.value.problems


def test_every_action_the_findings_name_has_words_and_a_line_or_page_in_every_region() -> None:
    from screener.bank import CALL_ROLES
    from screener.regions import REGIONS

    for code in REGIONS:
        bank = load(region=code)
        named = {ref.key for f in bank.findings for ref in f.actions}
        assert named <= set(bank.actions), code
        for words in bank.actions.values():
            assert words.call in CALL_ROLES or words.learn in bank.learn, (code, words.id)
            assert set(words.title.by_audience) == set(words.text.by_audience), (code, words.id)
            assert all(words.text.by_audience.values()), (code, words.id)


# --- steps that follow the facts: people on treatment, and pregnancy on treatment -------------

BUPRENORPHINE = {**METHADONE_PATIENT, "has_naloxone": "no"}
PREGNANT_ON_BUPRENORPHINE = {
    **METHADONE_PATIENT,
    "pregnant": "yes",
    "withdrawal_signs": ("aches", "yawning"),
    "cut_down": "want",
}
STEP_PEOPLE = [
    (
        Person(
            "pregnant, on buprenorphine, sick when a dose is late, would like to cut down",
            "self",
            PREGNANT_ON_BUPRENORPHINE,
            # Her team sets the dose: staying on it comes first (round 4, judge5 C1).
            must={"stay_on", "team"},
            must_not={"prescriber"},
            first="stay_on",
        ),
        ("stay on your methadone or buprenorphine",),
        ("slow plan", "ask about methadone or buprenorphine if cutting down is hard"),
    ),
    (
        Person(
            "counselor: pregnant client on methadone who wants to cut down",
            "counselor",
            PREGNANT_ON_BUPRENORPHINE,
        ),
        ("a taper is not advised",),
        ("plan a slow taper", "any taper should be slow", "refer for medication"),
    ),
    (
        Person(
            "on buprenorphine, uses fentanyl on weekends for the feeling",
            "self",
            {**BUPRENORPHINE, "what_used": ("moud", "street"), "for_high": "yes", "uses_alone": "yes"},
            must={"team", "naloxone"},
            must_not={"talk"},
        ),
        ("keep taking your methadone or buprenorphine", "the dose can often be raised"),
        ("help you start", "in ways other than prescribed", "cutting down safely"),
    ),
    (
        Person(
            "partner of a methadone patient who also uses heroin",
            "other",
            {**BUPRENORPHINE, "what_used": ("moud", "heroin")},
            must={"naloxone", "team"},
        ),
        ("encourage them to stay on treatment",),
        ("the samhsa helpline can help find it",),
    ),
    (
        Person(
            "methadone patient whose cravings came back",
            "self",
            {**METHADONE_PATIENT, "craving": "yes"},
            must={"team"},
            first="team",
        ),
        ("tell your treatment team",),
        ("help finding treatment",),
    ),
]


@pytest.mark.parametrize(("person", "say", "never_say"), STEP_PEOPLE, ids=[p.name for p, _, _ in STEP_PEOPLE])
def test_steps_and_actions_follow_the_facts(
    person: Person, say: tuple[str, ...], never_say: tuple[str, ...]
) -> None:
    report = evaluate(BANK, answers_for(person.audience, BANK, **person.answers), person.audience)
    words = " ".join(text for r in report.findings for text in (r.title, r.explanation, *r.steps)).lower()
    for phrase in say:
        assert phrase in words, f"does not say {phrase!r}"
    for phrase in never_say:
        assert phrase not in words, f"says {phrase!r}"
    test_what_to_do_next_fits_the_person(person)


# --- no step or action's words contradict an answer ---------------------------------------
# The action table above checks which actions are chosen; this one reads the words a person
# is shown (every card's title and steps, every action's title and line) in each region, for
# answer sets that make the row's case true and are random everywhere else.

BANKS = {region: load(region=region) for region in sorted(REGIONS)}
MOUD = ("moud",)
NO_BREAK = ("none",)  # on it now: not stopped lately


def _shown_words(audience: str, answers: dict[str, Any], region: str) -> list[str]:
    bank = BANKS[region]
    report = evaluate(bank, answers, audience)
    said = [text for r in report.findings for text in (r.title, *r.steps)]
    chosen = plan.actions(report, audience, REGIONS[region], bank)
    said += [text for a in chosen for text in (a.title, a.detail)]
    return said


# (case, answers that make it true, audiences it applies to, words that contradict it)
WORD_CONTRADICTIONS: list[tuple[str, dict[str, Any], tuple[str, ...], str]] = [
    (
        "no prescription and not on treatment: never 'your prescriber'",
        {"has_prescription": "no", "what_used": ("street_pills",), "takes_for_pain": "yes"},
        ("self", "other", "counselor"),
        r"\b(?:your|their|the) prescriber\b",
    ),
    (
        "pregnant on methadone or buprenorphine: never cut down or a slow plan",
        {"pregnant": "yes", "what_used": MOUD, "has_prescription": "yes", "recent_break": NO_BREAK},
        ("self", "counselor"),
        r"(?i)\bcut(?:ting)? down\b|slow plan|\btaper",
    ),
    (
        "on methadone or buprenorphine and not wanting to cut down: never start treatment or cut down",
        {"what_used": MOUD, "has_prescription": "yes", "cut_down": "no", "recent_break": NO_BREAK},
        ("self", "other", "counselor"),
        r"(?i)help (?:you|them) start|\bstart(?:ing)? (?:methadone|buprenorphine)"
        r"|\bcut(?:ting)? down\b|\btaper",
    ),
    (
        "on methadone or buprenorphine, takes extra from others: never a prescription to start",
        {
            "what_used": ("moud", "moud_street"),
            "has_prescription": "yes",
            "cut_down": "no",
            "recent_break": NO_BREAK,
        },
        ("self", "other", "counselor"),
        r"(?i)help (?:you|them) start|a prescription for buprenorphine|\bcut(?:ting)? down safely",
    ),
    (
        "has naloxone: never 'get naloxone'",
        {"has_naloxone": "yes"},
        ("self", "other", "counselor"),
        r"(?i)\bget naloxone\b",
    ),
    (
        "never uses alone: never 'never use alone'",
        {"uses_alone": "no"},
        ("self", "other", "counselor"),
        r"\b[Nn]ever (?:to )?(?:use|inject) alone",
    ),
    (
        "on naltrexone only: no dose to raise, no take-home doses, no methadone to keep taking",
        {"what_used": ("naltrexone", "street"), "has_prescription": "yes", "recent_break": NO_BREAK},
        ("self", "other", "counselor"),
        r"(?i)dose (?:can often be raised|increase)|take-home doses|keep taking your methadone"
        r"|stay on (?:your|their) methadone",
    ),
]
# Words that name cutting down only to advise against it.
NOT_ADVICE = re.compile(
    r"(?i)safer for you and the baby than cutting down|a taper is not advised"
    r"|do not stop or cut down suddenly"
)
Row = tuple[str, dict[str, Any], tuple[str, ...], str]


def _answers_with(audience: str, fixed: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return _answer_sets(audience).map(lambda drawn: {**drawn, **fixed})


@pytest.mark.parametrize("region", sorted(REGIONS))
@pytest.mark.parametrize("row", WORD_CONTRADICTIONS, ids=[row[0] for row in WORD_CONTRADICTIONS])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_words_contradict_an_answer(row: Row, region: str, data: st.DataObject) -> None:
    case, fixed, audiences, pattern = row
    audience = data.draw(st.sampled_from(audiences))
    answers = data.draw(_answers_with(audience, fixed))
    shown = _shown_words(audience, answers, region)
    wrong = [text for text in shown if re.search(pattern, NOT_ADVICE.sub("", text))]
    assert not wrong, (case, audience, wrong, answers)
