"""The FHIR R4 export: valid against R4 offline (fhirclient 4.x and HL7's JSON schema), only what
was asked and answered, and answers that come back unchanged."""

from __future__ import annotations

import json
import os
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from fhirclient.models.codesystem import CodeSystem
from fhirclient.models.fhirabstractbase import FHIRValidationError
from fhirclient.models.questionnaire import Questionnaire
from fhirclient.models.questionnaireresponse import QuestionnaireResponse
from jsonschema import Draft6Validator

from screener import fhir
from screener.bank import Bank, load
from screener.cli import bank_cli
from screener.rules import relevant_answers
from tests.helpers import heaviest_answers

ROOT = Path(__file__).resolve().parent.parent
# HL7's R4 JSON schema (id http://hl7.org/fhir/json-schema/4.0), as an npm package ships it.
SCHEMA = ROOT / "node_modules" / "@asymmetrik" / "fhir-json-schema-validator" / "fhir.schema.json"
BASE = "https://screener.example.org"
AUDIENCES = ["self", "other", "counselor"]


@cache
def schema() -> dict[str, Any]:
    if not SCHEMA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SCHEMA} is missing: scripts/setup test installs it from npm")
        pytest.skip(f"{SCHEMA} is missing: run scripts/setup test (npm ci)")
    data: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return data


def schema_errors(resource: dict[str, Any]) -> list[str]:
    """Validate against the resource's own definition (clear messages) and the whole schema."""
    full = schema()
    own = Draft6Validator(
        {"$ref": f"#/definitions/{resource['resourceType']}", "definitions": full["definitions"]}
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in own.iter_errors(resource)]
    errors += [f"(whole schema) {e.message[:200]}" for e in Draft6Validator(full).iter_errors(resource)]
    return errors


def fhirclient_errors(model: Any, resource: dict[str, Any]) -> list[str]:
    try:
        parsed = model(resource, strict=True)
    except FHIRValidationError as error:
        return [str(error)]
    return [] if parsed.as_json() == resource else ["fhirclient did not give back the same JSON"]


def items(resource: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in resource.get("item", []):
        found.append(item)
        found += items(item)
    return found


def question_items(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        i["linkId"]: i
        for i in items(resource)
        if i.get("type") != "group" and not i["linkId"].startswith("section-")
    }


def response(bank: Bank, answers: dict[str, Any], audience: str = "counselor") -> dict[str, Any]:
    authored = datetime(2026, 11, 25, 21, 30, tzinfo=ZoneInfo("America/New_York"))
    return fhir.questionnaire_response(bank, answers, audience, BASE, authored)


def as_answers(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}


# --- the Questionnaire ------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_questionnaire_is_valid_r4(bank: Bank, audience: str) -> None:
    form = fhir.questionnaire(bank, audience, BASE)
    assert fhirclient_errors(Questionnaire, form) == []
    assert schema_errors(form) == []


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_questionnaire_asks_the_bank_s_questions_by_their_ids(bank: Bank, audience: str) -> None:
    form = fhir.questionnaire(bank, audience, BASE)
    assert form["url"] == f"{BASE}/fhir/Questionnaire/opioid-check-{audience}"
    asked = question_items(form)
    assert list(asked) == [q.id for q in bank.questions.values() if audience in q.audiences]
    system = fhir.code_system_url(BASE)
    for qid, item in asked.items():
        question = bank.questions[qid]
        assert item["text"] == question.text.get(audience)
        assert item["repeats"] == (question.type == "multi")
        codes = [o["valueCoding"]["code"] for o in item["answerOption"]]
        assert codes == [o.value for o in question.all_options]
        assert {o["valueCoding"]["system"] for o in item["answerOption"]} == {system}


def test_no_loinc_code_on_the_form_or_its_items(bank: Bank) -> None:
    form = fhir.questionnaire(bank, "counselor", BASE)
    assert "code" not in form
    assert all("code" not in item for item in items(form))
    assert "not a validated instrument" in form["description"]


def test_skip_logic_becomes_enable_when_and_not_sure_still_asks(bank: Bank) -> None:
    form = fhir.questionnaire(bank, "counselor", BASE)
    by_link = {i["linkId"]: i for i in items(form)}
    pain = by_link[f"section-{bank.questions['pain_worse'].section}"]
    assert pain["enableBehavior"] == "any"
    assert [(w["question"], w["operator"], w["answerCoding"]["code"]) for w in pain["enableWhen"]] == [
        ("takes_for_pain", "=", "yes"),
        ("takes_for_pain", "=", "unsure"),
    ]
    more_often = by_link["more_often"]
    assert {w["answerCoding"]["code"] for w in more_often["enableWhen"]} == {"yes", "unsure"}
    assert "enableWhen" not in by_link["what_used"]
    # Every enableWhen points to a question asked earlier in the same form.
    order = list(by_link)
    for link, item in by_link.items():
        for rule in item.get("enableWhen", []):
            assert order.index(rule["question"]) < order.index(link)


def test_a_rule_fhir_cannot_express_leaves_the_item_always_enabled() -> None:
    # The mini bank's "worse" is asked unless "kinds" is none: enableWhen has no "not" of a
    # "Not sure"-aware answer, so the item stays enabled (the app still skips it).
    mini = load(ROOT / "tests" / "mini_bank.yaml")
    by_link = {i["linkId"]: i for i in items(fhir.questionnaire(mini, "self", BASE))}
    assert "enableWhen" not in by_link["worse"]
    assert [w["question"] for w in by_link["section-second"]["enableWhen"]] == ["for_pain", "for_pain"]
    assert fhirclient_errors(Questionnaire, fhir.questionnaire(mini, "self", BASE)) == []


def test_every_skip_rule_of_the_shipped_bank_is_expressed(bank: Bank) -> None:
    form = fhir.questionnaire(bank, "counselor", BASE)
    by_link = {i["linkId"]: i for i in items(form)}
    ruled = [f"section-{s.id}" for s in bank.sections if s.when]
    ruled += [q.id for q in bank.questions.values() if q.when and "counselor" in q.audiences]
    assert ruled and all("enableWhen" in by_link[link] for link in ruled)


def test_an_unknown_audience_is_refused(bank: Bank) -> None:
    with pytest.raises(ValueError, match="unknown audience"):
        fhir.questionnaire(bank, "parent", BASE)


def test_the_code_system_holds_every_answer_code_once(bank: Bank) -> None:
    codes = fhir.code_system(bank, BASE)
    assert fhirclient_errors(CodeSystem, codes) == []
    assert schema_errors(codes) == []
    assert codes["url"] == fhir.code_system_url(BASE)
    listed = [c["code"] for c in codes["concept"]]
    assert len(listed) == len(set(listed)) == codes["count"]
    for audience in AUDIENCES:
        for item in question_items(fhir.questionnaire(bank, audience, BASE)).values():
            assert {o["valueCoding"]["code"] for o in item["answerOption"]} <= set(listed)
    assert {"code": "unsure", "display": "Not sure"} in codes["concept"]


# --- the QuestionnaireResponse ----------------------------------------------------------


def test_the_heaviest_response_is_valid_r4(bank: Bank) -> None:
    answers = heaviest_answers(bank)
    done = response(bank, answers)
    assert fhirclient_errors(QuestionnaireResponse, done) == []
    assert schema_errors(done) == []
    assert done["status"] == "completed"
    assert "subject" not in done and "id" not in done
    assert done["authored"] == "2026-11-25T21:30:00-05:00"
    assert done["questionnaire"] == f"{BASE}/fhir/Questionnaire/opioid-check-counselor|{fhir.version(bank)}"


def test_every_answered_question_appears_and_no_other(bank: Bank) -> None:
    answers = heaviest_answers(bank)
    kept = relevant_answers(bank, answers, "counselor")
    done = question_items(response(bank, answers))
    assert set(done) == set(kept)
    # Skipped (no pain medicine, so no pain page) and unanswered questions are left out.
    answers["takes_for_pain"] = "no"
    del answers["craving"]
    done = question_items(response(bank, answers))
    pain = {q.id for q in bank.questions.values() if q.section == bank.questions["pain_worse"].section}
    assert pain and not pain & set(done)
    assert "craving" not in done and "takes_for_pain" in done


def test_a_question_the_audience_is_not_asked_is_left_out(bank: Bank) -> None:
    only_some = next(q for q in bank.questions.values() if "other" not in q.audiences)
    done = question_items(response(bank, heaviest_answers(bank), "other"))
    assert only_some.id not in done


@pytest.mark.parametrize("case", ["heaviest", "not sure everywhere", "no pain medicine"])
def test_answers_round_trip(bank: Bank, case: str) -> None:
    answers = heaviest_answers(bank)
    if case == "not sure everywhere":
        answers = {
            q.id: ["unsure"] if q.type == "multi" else "unsure"
            for q in bank.questions.values()
            if "unsure" in q.values
        }
    elif case == "no pain medicine":
        answers["takes_for_pain"] = "no"
    text = json.dumps(response(bank, answers))
    back = fhir.answers_from_response(bank, json.loads(text), BASE)
    assert back == relevant_answers(bank, as_answers(answers), "counselor")
    assert back


def test_reading_back_drops_what_does_not_fit(bank: Bank) -> None:
    good = {
        "linkId": "takes_for_pain",
        "answer": [{"valueCoding": {"system": fhir.code_system_url(BASE), "code": "yes"}}],
    }
    odd = [
        {"linkId": "no_such_question", "answer": good["answer"]},
        {"linkId": "takes_for_pain_typo"},
        {
            "linkId": "has_prescription",
            "answer": [{"valueCoding": {"system": "http://other.example/cs", "code": "yes"}}],
        },
        {
            "linkId": "how_long",
            "answer": [{"valueCoding": {"system": fhir.code_system_url(BASE), "code": "forever"}}],
        },
        {"linkId": "what_used", "answer": "heroin"},
        "not an item",
    ]
    data = {"resourceType": "QuestionnaireResponse", "item": [{"linkId": "g", "item": [good, *odd]}]}
    assert fhir.answers_from_response(bank, data, BASE) == {"takes_for_pain": "yes"}
    assert fhir.answers_from_response(bank, {"resourceType": "Patient"}, BASE) == {}
    assert fhir.answers_from_response(bank, [], BASE) == {}


# --- the command for record-system teams ------------------------------------------------


def test_flask_bank_fhir_prints_the_questionnaire(bank: Bank) -> None:
    runner = CliRunner()
    result = runner.invoke(bank_cli, ["fhir", "other", "--base-url", BASE])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == fhir.questionnaire(bank, "other", BASE)
    default = runner.invoke(bank_cli, ["fhir"], env={"SCREENER_PUBLIC_URL": BASE})
    assert json.loads(default.output)["url"] == f"{BASE}/fhir/Questionnaire/opioid-check-counselor"
    wrong = runner.invoke(bank_cli, ["fhir", "parent"])
    assert wrong.exit_code == 2 and "'parent' is not one of" in wrong.output


# (how the response is broken, whether HL7's schema notices, whether fhirclient does): each
# catches what the other misses, which is why the export is checked with both.
BREAKAGES = [
    ("a status outside R4's codes", lambda r: r.update(status="done"), True, False),
    ("an item with no linkId", lambda r: r["item"][0].pop("linkId"), False, True),
    ("a date R4 cannot read", lambda r: r.update(authored="25 November 2026"), True, True),
    ("an answer as bare text", lambda r: r["item"][0]["item"][0].update(answer="yes"), True, True),
]


@pytest.mark.parametrize(
    ("breakage", "schema_sees_it", "fhirclient_sees_it"),
    [b[1:] for b in BREAKAGES],
    ids=[b[0] for b in BREAKAGES],
)
def test_the_validators_would_catch_a_broken_response(
    bank: Bank, breakage: Any, schema_sees_it: bool, fhirclient_sees_it: bool
) -> None:
    broken = response(bank, heaviest_answers(bank))
    breakage(broken)
    assert bool(schema_errors(broken)) == schema_sees_it
    assert bool(fhirclient_errors(QuestionnaireResponse, broken)) == fhirclient_sees_it
