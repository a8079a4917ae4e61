"""The loader accepts the shipped bank and names every problem in a broken one by its place."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from screener import bank as bank_module
from screener.bank import AtLeast, BankError, conditions, load, parse, read_yaml
from screener.cli import bank_cli

MINI = Path(__file__).with_name("mini_bank.yaml")
MINI_TEXT = MINI.read_text(encoding="utf-8")


def mini() -> dict[str, Any]:
    return read_yaml(MINI_TEXT)


def section(data: dict[str, Any], index: int) -> dict[str, Any]:
    return data["sections"][index]


def mutate(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(mini())
    change(data)
    return data


# (name, change to the mini bank, the located message it must produce)
BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "duplicate section id",
        lambda d: section(d, 1).update(id="first"),
        "sections[1].id: duplicate id 'first'",
    ),
    (
        "duplicate question id",
        lambda d: section(d, 1)["questions"][0].update(id="for_pain"),
        "sections[1].questions[0].id: duplicate id 'for_pain'",
    ),
    (
        "duplicate finding id",
        lambda d: d["findings"].append(copy.deepcopy(d["findings"][0])),
        "findings[1].id: duplicate id 'craving_found'",
    ),
    (
        "unknown question in a rule",
        lambda d: section(d, 1).update(when={"answer": "cravng", "is": "yes"}),
        "sections[1].when.answer: unknown question 'cravng'",
    ),
    (
        "unknown option value",
        lambda d: d["findings"][0]["when"]["of"][1].update(**{"in": ["wrose"]}),
        "findings[0].when.of[1].in: 'wrose' is not an option of question 'worse' "
        "(options: same, unsure, worse)",
    ),
    (
        "an empty list of values",
        lambda d: d["findings"][0]["when"]["of"][1].update(**{"in": []}),
        "findings[0].when.of[1].in: expected at least one value",
    ),
    (
        "a value that is not text",
        lambda d: d["findings"][0]["when"]["of"][0].update(**{"is": 3}),
        "findings[0].when.of[0].is: expected an option value, got int",
    ),
    (
        "a problem under any keeps its place",
        lambda d: d["findings"][0].update(
            when={"any": [{"answered": "urges"}, {"answer": "urges", "is": "yse"}]}
        ),
        "findings[0].when.any[1].is: 'yse' is not an option of question 'urges'",
    ),
    (
        "a problem under all keeps its place",
        lambda d: d["findings"][0].update(when={"all": [{"answered": "nope"}]}),
        "findings[0].when.all[0].answered: unknown question 'nope'",
    ),
    (
        "a problem under not keeps its place",
        lambda d: d["findings"][0].update(when={"not": {"answered": "nope"}}),
        "findings[0].when.not.answered: unknown question 'nope'",
    ),
    (
        "an empty any",
        lambda d: d["findings"][0].update(when={"any": []}),
        "findings[0].when.any: expected at least one condition",
    ),
    (
        "unknown operator",
        lambda d: d["findings"][0].update(when={"some": []}),
        "findings[0].when: unknown operator 'some'",
    ),
    (
        "rule on a later question",
        lambda d: section(d, 0)["questions"][1].update(when={"answer": "urges", "is": "yes"}),
        "sections[0].questions[1].when.answer: question 'urges' is not asked before this point",
    ),
    (
        "rule on a question of the same page",
        lambda d: section(d, 1)["questions"][1].update(when={"answer": "urges", "is": "yes"}),
        "sections[1].questions[1].when.answer: question 'urges' is not asked before this point",
    ),
    (
        "missing wording for an audience",
        lambda d: section(d, 0)["questions"][0]["text"].pop("other"),
        "sections[0].questions[0].text: missing wording for audience 'other'",
    ),
    (
        "wording for an unknown audience",
        lambda d: section(d, 0)["questions"][0]["text"].update(parent="Hi"),
        "sections[0].questions[0].text.parent: unknown audience 'parent'",
    ),
    (
        "finding with no sources",
        lambda d: d["findings"][0].pop("sources"),
        "findings[0].sources: at least one source (title and url) is required",
    ),
    (
        "finding with an empty source list",
        lambda d: d["findings"][0].update(sources=[]),
        "findings[0].sources: at least one source (title and url) is required",
    ),
    (
        "learn page with no sources",
        lambda d: d["learn"][0].pop("sources"),
        "learn[0].sources: at least one source",
    ),
    (
        "resource with no sources",
        lambda d: d["resources"][0].pop("sources"),
        "resources[0].sources: at least one source",
    ),
    (
        "unknown level",
        lambda d: d["findings"][0].update(level="severe"),
        "findings[0].level: unknown level 'severe'",
    ),
    (
        "unknown question type",
        lambda d: section(d, 0)["questions"][0].update(type="slider"),
        "sections[0].questions[0].type: unknown question type 'slider'",
    ),
    (
        "unknown learn page",
        lambda d: d["findings"][0].update(learn="nowhere"),
        "findings[0].learn: unknown learn page 'nowhere'",
    ),
    (
        "unknown resource",
        lambda d: d["findings"][0].update(resources=["paid_line"]),
        "findings[0].resources[0]: unknown resource 'paid_line'",
    ),
    (
        "at_least larger than its list",
        lambda d: d["findings"][0]["when"].update(at_least=3),
        "findings[0].when.at_least: expected a whole number from 1 to 2, got 3",
    ),
    (
        "at_least true",
        lambda d: d["findings"][0]["when"].update(at_least=True),
        "findings[0].when.at_least: expected a whole number from 1 to 2, got True",
    ),
    (
        "at_least as text",
        lambda d: d["findings"][0]["when"].update(at_least="two"),
        "findings[0].when.at_least: expected a whole number from 1 to 2, got 'two'",
    ),
    (
        "at_least zero",
        lambda d: d["findings"][0]["when"].update(at_least=0),
        "findings[0].when.at_least: expected a whole number from 1 to 2, got 0",
    ),
    (
        "at_least missing",
        lambda d: d["findings"][0]["when"].update(at_least=None),
        "findings[0].when.at_least: expected a whole number from 1 to 2, got None",
    ),
    (
        "two operators in one condition",
        lambda d: d["findings"][0].update(
            when={"any": [{"answered": "urges"}], "all": [{"answered": "urges"}]}
        ),
        "findings[0].when: a condition has exactly one operator",
    ),
    (
        "answer without is or in",
        lambda d: d["areas"][0].update(when={"answer": "urges"}),
        "areas[0].when: use {answer: ID, is: VALUE} or {answer: ID, in: [VALUES]}",
    ),
    (
        "a none option on a choice question",
        lambda d: section(d, 1)["questions"][1].update(none={"value": "none", "label": "None"}),
        "sections[1].questions[1].none: only a multi question has a 'none' option",
    ),
    (
        "duplicate option value",
        lambda d: section(d, 1)["questions"][1]["options"].append({"value": "same", "label": "Same again"}),
        "sections[1].questions[1].options[3].value: duplicate value 'same'",
    ),
    (
        "unknown key",
        lambda d: section(d, 0)["questions"][0].update(txet="typo"),
        "sections[0].questions[0]: unknown key 'txet'",
    ),
    ("missing audience", lambda d: d["audiences"].pop(), "audiences: missing audiences: counselor"),
    (
        "a section with no questions",
        lambda d: section(d, 0).update(questions=[]),
        "sections[0].questions: a section needs at least one question",
    ),
    (
        "a source that is not a web address",
        lambda d: d["findings"][0]["sources"][0].update(url="ftp.example"),
        "findings[0].sources[0].url: expected a web address",
    ),
    (
        "an ending that is not an info finding",
        lambda d: d["findings"][0].update(ends=True),
        "findings[0].ends: only an info finding can end the questions",
    ),
    (
        "ends that is not true or false",
        lambda d: d["findings"][0].update(ends="yes"),
        "findings[0].ends: expected true or false",
    ),
    (
        "a part with nothing to add",
        lambda d: d["findings"][0].update(parts=[{"when": {"answered": "urges"}}]),
        "findings[0].parts[0]: a part needs an explanation, steps or both",
    ),
    (
        "a part on an unknown question",
        lambda d: d["findings"][0].update(
            parts=[{"when": {"answer": "nope", "is": "yes"}, "explanation": "More."}]
        ),
        "findings[0].parts[0].when.answer: unknown question 'nope'",
    ),
    (
        "a part with an unknown key",
        lambda d: d["findings"][0].update(parts=[{"when": {"answered": "urges"}, "text": "More."}]),
        "findings[0].parts[0]: unknown key 'text'",
    ),
    (
        "given around a bad condition",
        lambda d: d["findings"][0].update(when={"given": {"some": []}}),
        "findings[0].when.given: unknown operator 'some'",
    ),
    (
        "a summary flag that is neither true, false nor a label",
        lambda d: section(d, 0)["questions"][0].update(summary=3),
        "sections[0].questions[0].summary: expected true, false or a short label",
    ),
    (
        "a counselor question with a statement and nothing to read aloud",
        lambda d: section(d, 0)["questions"][0]["text"].pop("self"),
        "sections[0].questions[0].ask: a counselor reads a question aloud",
    ),
    (
        "words to read aloud that are not a question",
        lambda d: section(d, 0)["questions"][0].update(ask="Client takes it for pain."),
        "sections[0].questions[0].ask: a counselor reads a question aloud",
    ),
    (
        "words to read aloud on a question the counselor never asks",
        lambda d: section(d, 0)["questions"][0].update(audiences=["self", "other"], ask="Is it for pain?"),
        "sections[0].questions[0].ask: only a question the counselor asks has words to read aloud",
    ),
    (
        "a note condition with no note",
        lambda d: d["areas"][0].update(note_when={"answered": "for_pain"}),
        "areas[0].note_when: a note_when needs a note",
    ),
    (
        "a note condition on an unknown question",
        lambda d: d["areas"][0].update(note="Only sometimes.", note_when={"answered": "for_pian"}),
        "areas[0].note_when.answered: unknown question 'for_pian'",
    ),
    (
        "an unknown key at the top level",
        lambda d: d.update(facst=[]),
        "(top level): unknown key 'facst'",
    ),
    (
        "version zero",
        lambda d: d.update(version=0),
        "version: expected a whole number of 1 or more, got 0",
    ),
    (
        "version true",
        lambda d: d.update(version=True),
        "version: expected a whole number of 1 or more, got True",
    ),
    (
        "not a mapping at all",
        lambda d: d.clear() or d.update(version="one"),
        "version: expected a whole number of 1 or more, got 'one'",
    ),
]


def test_the_mini_bank_is_valid() -> None:
    bank = parse(mini())
    assert [s.id for s in bank.sections] == ["first", "second"]
    assert bank.questions["urges"].audiences == frozenset({"self", "counselor"})


def test_summary_flags_are_optional_and_may_name_the_row() -> None:
    def flag(data: dict[str, Any]) -> None:
        section(data, 0)["questions"][0]["summary"] = True
        section(data, 0)["questions"][1]["summary"] = "What is used"

    bank = parse(mutate(flag))
    assert (bank.questions["for_pain"].summary, bank.questions["for_pain"].summary_label) == (True, "")
    assert (bank.questions["kinds"].summary, bank.questions["kinds"].summary_label) == (True, "What is used")
    assert not bank.questions["urges"].summary


def test_a_counselor_reads_the_person_s_own_question_aloud_and_records_the_statement() -> None:
    def words(data: dict[str, Any]) -> None:
        section(data, 1)["questions"][0]["ask"] = "Have you had strong urges to use?"
        section(data, 1)["questions"][1]["ask"] = False

    bank = parse(mutate(words))
    for_pain, urges, worse = (bank.questions[q] for q in ("for_pain", "urges", "worse"))
    # By default the words read aloud are the person's own: the `self` wording.
    assert (for_pain.legend("counselor"), for_pain.record("counselor")) == (
        "Do you take it for pain?",
        "Client takes it for pain.",
    )
    assert (urges.legend("counselor"), urges.record("counselor")) == (
        "Have you had strong urges to use?",
        "Client reports strong urges.",
    )
    # `ask: false`: the counselor answers from what they see, in their own words, no record line.
    assert (worse.legend("counselor"), worse.record("counselor")) == ("Is the pain worse?", "")
    # Nobody else sees a record line or other words.
    assert (for_pain.legend("other"), for_pain.record("other")) == ("Do they take it for pain?", "")
    assert (urges.legend("self"), urges.record("self")) == ("Do you have strong urges?", "")


def reasons_in(condition: Any) -> Iterator[str]:
    """The questions a condition can list as reasons: not those under `not` or `given` (guards)."""
    operator = conditions.BY_TYPE[type(condition)]
    question = operator.reads(condition)
    if question is not None:
        yield question
    elif operator.lists_answers:
        for item in operator.items(condition):
            yield from reasons_in(item)


def test_how_often_and_when_last_never_make_a_pattern_fire() -> None:
    """They shape what a pattern advises and guard it (someone who stopped), never make it fire."""
    bank = load()
    used = {q for f in bank.findings for q in reasons_in(f.when)}
    used |= {q for a in bank.areas for q in reasons_in(a.when)}
    for qid in ("use_frequency", "last_use"):
        assert bank.questions[qid].summary and bank.questions[qid].audiences == {"self", "counselor"}
        assert qid not in used, f"{qid} makes a pattern fire"


def test_the_shipped_bank_is_valid() -> None:
    bank = load()
    assert {a.id for a in bank.audiences} == {"self", "other", "counselor"}
    assert bank.sections[0].id == "safety"
    assert len(bank.areas) == 11


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in BROKEN], ids=[name for name, _, _ in BROKEN]
)
def test_a_broken_bank_names_the_problem_and_its_place(change: Callable[..., None], message: str) -> None:
    with pytest.raises(BankError) as caught:
        parse(mutate(change))
    assert any(problem.startswith(message) for problem in caught.value.problems), caught.value.problems


def test_at_least_may_ask_for_every_item_of_its_list() -> None:
    bank = parse(mutate(lambda d: d["findings"][0]["when"].update(at_least=2)))
    assert bank.findings[0].when == AtLeast(2, bank.findings[0].when.items)


def test_one_wrong_value_is_one_problem() -> None:
    with pytest.raises(BankError) as caught:
        parse(mutate(lambda d: d["findings"][0]["when"]["of"][0].update(**{"is": 3})))
    assert caught.value.problems == ["findings[0].when.of[0].is: expected an option value, got int"]


@pytest.mark.parametrize("where", ["section", "question", "finding", "area", "part"])
def test_an_answer_condition_with_is_and_in_is_named_wherever_it_is(where: str) -> None:
    both = {"answer": "for_pain", "is": "yes", "in": ["yes"]}

    def change(d: dict[str, Any]) -> None:
        if where == "section":
            section(d, 1)["when"] = both
        elif where == "question":
            section(d, 1)["questions"][0]["when"] = both
        elif where == "finding":
            d["findings"][0]["when"] = both
        elif where == "area":
            d["areas"][0]["when"] = both
        else:
            d["findings"][0]["parts"] = [{"when": both, "explanation": "More."}]

    with pytest.raises(BankError) as caught:
        parse(mutate(change))
    assert len(caught.value.problems) == 1, caught.value.problems
    assert "use {answer: ID, is: VALUE} or {answer: ID, in: [VALUES]}" in caught.value.problems[0]


def test_every_problem_is_listed_not_just_the_first() -> None:
    def two_problems(d: dict[str, Any]) -> None:
        d["findings"][0].pop("sources")
        section(d, 1).update(when={"answer": "cravng", "is": "yes"})

    with pytest.raises(BankError) as caught:
        parse(mutate(two_problems))
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nsections: [\n", "YAML syntax error at line 3, column 1"),
        ("version: 1\nversion: 2\n", "YAML syntax error at line 2, column 1: duplicate key 'version'"),
        ("- a list\n", "(top level): expected a mapping, got a list"),
        ("", "(top level): expected a mapping, got nothing"),
    ],
)
def test_unreadable_yaml_is_located(text: str, message: str) -> None:
    with pytest.raises(BankError) as caught:
        parse(read_yaml(text))
    assert caught.value.problems[0].startswith(message), caught.value.problems


def test_yes_and_no_stay_words_not_booleans() -> None:
    assert read_yaml("a: yes\nb: no\nc: true\n") == {"a": "yes", "b": "no", "c": True}


def test_a_missing_file_is_a_clear_problem(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="cannot read the file"):
        load(tmp_path / "nope.yaml")


def test_fingerprint_ignores_wording_but_not_answer_ids() -> None:
    base = parse(mini()).fingerprint
    reworded = parse(mutate(lambda d: section(d, 0).update(title="New title"))).fingerprint
    renamed = parse(
        mutate(lambda d: section(d, 0)["questions"][1]["options"][0].update(value="tablets"))
    ).fingerprint
    assert reworded == base
    assert renamed != base


def test_tel_links_keep_only_digits() -> None:
    assert bank_module.tel_uri("1-800-662-4357") == "tel:18006624357"
    assert bank_module.tel_uri("988") == "tel:988"
    assert bank_module.tel_uri("") == ""


def test_bank_check_prints_a_summary_for_a_good_bank(runner_for_cli) -> None:
    result = runner_for_cli.invoke(bank_cli, ["check", str(MINI)])
    assert result.exit_code == 0
    assert result.output.startswith("OK: 3 audiences, 2 sections, 4 questions")


def test_bank_check_lists_every_problem_and_fails(runner_for_cli, tmp_path: Path) -> None:
    broken = mutate(lambda d: d["findings"][0].pop("sources"))
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    result = runner_for_cli.invoke(bank_cli, ["check", str(path)])
    assert result.exit_code == 1
    assert "findings[0].sources: at least one source" in result.output


def test_bank_check_runs_through_flask_cli() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "screener", "bank", "check", str(MINI)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: ")


# --- interrupts, after-care and texting: the format the crisis pages rest on ------------

CALM = {"title": "Earlier", "text": "You told us.", "steps": ["Call."]}
BROKEN_CRISIS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "after-care on a finding that does not interrupt",
        lambda d: d["findings"][0].update(aftercare=CALM),
        "findings[0].aftercare: only a finding that interrupts the questions has after-care",
    ),
    (
        "interrupt that is not true or false",
        lambda d: d["findings"][0].update(interrupt="yes"),
        "findings[0].interrupt: expected true or false, got text",
    ),
    (
        "interrupt on an emergency",
        lambda d: d["findings"][0].update(level="emergency", interrupt=True),
        "findings[0].interrupt: an emergency always interrupts",
    ),
    (
        "after-care missing an audience's words",
        lambda d: d["findings"][0].update(
            interrupt=True, aftercare={**CALM, "title": {"self": "Earlier", "other": "Earlier"}}
        ),
        "findings[0].aftercare.title: missing wording for audience 'counselor'",
    ),
    (
        "unknown key in after-care",
        lambda d: d["findings"][0].update(interrupt=True, aftercare={**CALM, "titel": "x"}),
        "findings[0].aftercare: unknown key 'titel'",
    ),
    (
        "a number to text that is not a number",
        lambda d: d["resources"][0].update(sms="text us"),
        "resources[0].sms: expected a number to text",
    ),
    (
        "an unknown key on a helpline",
        lambda d: d["resources"][0].update(fax="555"),
        "resources[0]: unknown key 'fax'",
    ),
    (
        "a helpline with no way to reach it",
        lambda d: [d["resources"][0].pop(k, None) for k in ("phone", "url", "text", "sms")],
        "resources[0]: a resource needs a phone, text, sms or url",
    ),
    (
        "a helpline in an unknown region",
        lambda d: d["resources"][0].update(region="FR"),
        "resources[0].region: unknown region 'FR'",
    ),
    (
        "a way in for a language that is not a language code",
        lambda d: d["resources"][0].update(in_language={"Spanish": {"sms_body": "AYUDA"}}),
        "resources[0].in_language.Spanish: expected a two-letter language code",
    ),
    (
        "a word to text that is a sentence",
        lambda d: d["resources"][0].update(in_language={"es": {"sms_body": "AYUDA por favor"}}),
        "resources[0].in_language.es.sms_body: expected one word to text",
    ),
    (
        "a page in another language that is not https",
        lambda d: d["resources"][0].update(in_language={"es": {"url": "http://example.org/es"}}),
        "resources[0].in_language.es.url: expected an https:// address",
    ),
    (
        "a lower level for a finding that is not urgent",
        lambda d: d["findings"][0].update(lower_when={"answer": "urges", "is": "yes"}),
        "findings[0].lower_when: only an urgent finding can be shown a level lower",
    ),
    (
        "an unknown way in",
        lambda d: d["resources"][0].update(in_language={"es": {"press": "2"}}),
        "resources[0].in_language.es: unknown key 'press'",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in BROKEN_CRISIS], ids=[name for name, _, _ in BROKEN_CRISIS]
)
def test_a_broken_interrupt_or_resource_names_its_place(change: Callable[..., None], message: str) -> None:
    with pytest.raises(BankError) as caught:
        parse(mutate(change))
    assert any(problem.startswith(message) for problem in caught.value.problems), caught.value.problems


def test_a_calm_interrupt_with_aftercare_loads() -> None:
    bank = parse(
        mutate(
            lambda d: (
                d["findings"][0].update(interrupt=True, aftercare=CALM),
                d["resources"][0].update(sms="988"),
            )
        )
    )
    finding = bank.findings[0]
    assert finding.interrupts and finding.level == "talk_soon"
    assert finding.aftercare is not None and finding.aftercare.steps.get("other") == ("Call.",)
    assert bank.resources["helpline"].sms_uri == "sms:988"


def test_a_line_s_way_in_for_a_language_is_read_only_for_that_language() -> None:
    ways = {
        "es": {"call_note": "press 2", "sms_body": "AYUDA", "sms_note": "x", "url": "https://example.org/es"}
    }
    data = mutate(lambda d: d["resources"][0].update(sms="988", in_language=ways))
    english, spanish = parse(data).resources["helpline"], parse(data, language="es").resources["helpline"]
    assert (english.call_note, english.sms_body, english.sms_note, english.sms_uri) == ("", "", "", "sms:988")
    assert english.url != "https://example.org/es"
    assert (spanish.call_note, spanish.sms_note, spanish.url) == ("press 2", "x", "https://example.org/es")
    assert spanish.sms_uri == "sms:988?&body=AYUDA"


def test_words_given_per_region_are_read_only_in_that_region() -> None:
    from screener.bank.regional import for_region

    data = {
        "steps": {"self": ["Call.", {"US": "Call 988.", "CA": "Call 9-8-8."}, {"US": "Press 2."}]},
        "text": {"US": "In the US.", "UK": "In the UK."},
        "list": [{"id": "a", "US": "not words per region: it has an id"}],
    }
    assert for_region(data, "CA") == {
        "steps": {"self": ["Call.", "Call 9-8-8."]},
        "list": [{"id": "a", "US": "not words per region: it has an id"}],
    }
    assert for_region(data, "US")["steps"]["self"] == ["Call.", "Call 988.", "Press 2."]
    assert for_region(data, "UK")["text"] == "In the UK."


def test_a_region_without_a_needed_text_is_a_located_problem(runner_for_cli, tmp_path: Path) -> None:
    broken = mutate(lambda d: d["findings"][0].update(explanation={"US": "Only here.", "CA": "And here."}))
    path = tmp_path / "regional.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    result = runner_for_cli.invoke(bank_cli, ["check", str(path)])
    assert result.exit_code == 1
    assert "[UK] findings[0].explanation" in result.output, result.output
    assert parse(broken).findings[0].explanation.get("self") == "Only here."
