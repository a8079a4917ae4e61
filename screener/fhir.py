"""FHIR R4 export: the bank as a Questionnaire per audience, a client's answers as a response.

Pure Python (no Flask): resources are built on request and never stored. There is no LOINC
panel code on the form: this check is not a validated instrument. No item carries a LOINC
code either, since none of our wordings is a LOINC item's wording.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from .bank import UNSURE, Answered, AnswerIs, AnyOf, Bank, Condition, Question, Section
from .rules import Answer, clean_answer, relevant_answers, visible_sections

FHIR_VERSION = "4.0.1"
NAME = "opioid-check"
TITLES = {
    "self": "Opioid use check: checking on yourself",
    "other": "Opioid use check: someone you care about",
    "counselor": "Opioid use check: intake screening",
}
DESCRIPTION = (
    "A short, non-diagnostic check on opioid use from an open, non-commercial project. It shows "
    "patterns worth talking about; it is not a validated instrument, gives no score or severity, "
    "and only a clinician can diagnose. Question linkIds are the question bank's ids; answers "
    "are coded with the bank's own code system."
)

Json = dict[str, Any]


def questionnaire_id(audience: str) -> str:
    """Return the Questionnaire's logical id for an audience."""
    return f"{NAME}-{audience}"


def questionnaire_url(base: str, audience: str) -> str:
    """Return the canonical URL of an audience's Questionnaire (where the app serves it)."""
    return f"{base.rstrip('/')}/fhir/Questionnaire/{questionnaire_id(audience)}"


def code_system_url(base: str) -> str:
    """Return the URL of the code system the answer codes (option values) belong to."""
    return f"{base.rstrip('/')}/fhir/CodeSystem/{NAME}-answers"


def version(bank: Bank) -> str:
    """Return the form's version: the bank's version and the fingerprint of its answer ids."""
    return f"{bank.version}-{bank.fingerprint}"


def group_link_id(section: Section) -> str:
    """Return a section's linkId; the hyphen keeps it apart from question ids (snake_case)."""
    return f"section-{section.id}"


def _coding(question: Question, value: str, audience: str, system: str) -> Json:
    option = question.option(value)
    display = option.label.get(audience) if option else value
    return {"system": system, "code": value, "display": display}


def _enable_when(bank: Bank, condition: Condition, audience: str, system: str) -> list[Json] | None:
    """Express skip logic as enableWhen items (any of them enables), or None when it cannot be.

    Our rule shows a question when its condition is true or unknown, so an answer of
    "Not sure" to the question it depends on enables it too.
    """
    if isinstance(condition, Answered):
        return [{"question": condition.question, "operator": "exists", "answerBoolean": True}]
    if isinstance(condition, AnswerIs):
        question = bank.questions[condition.question]
        codes = set(condition.values) | ({UNSURE} & question.values)
        return [
            {
                "question": question.id,
                "operator": "=",
                "answerCoding": _coding(question, option.value, audience, system),
            }
            for option in question.all_options
            if option.value in codes
        ]
    if isinstance(condition, AnyOf):
        result: list[Json] = []
        for item in condition.items:
            part = _enable_when(bank, item, audience, system)
            if part is None:
                return None
            result += part
        return result or None
    return None  # all / not / at_least: not expressible as one flat enableWhen list


def _with_enable_when(
    item: Json, bank: Bank, condition: Condition | None, audience: str, system: str
) -> Json:
    if condition is None:
        return item
    enable = _enable_when(bank, condition, audience, system)
    if enable:
        item["enableWhen"] = enable
        if len(enable) > 1:
            item["enableBehavior"] = "any"
    return item


def questionnaire(bank: Bank, audience: str, base: str) -> Json:
    """Build the Questionnaire for one audience: a group per section, an item per question."""
    if audience not in {a.id for a in bank.audiences}:
        raise ValueError(f"unknown audience {audience!r}")
    system = code_system_url(base)
    groups = []
    for section in bank.sections:
        questions = section.for_audience(audience)
        if not questions:
            continue
        items = [
            _with_enable_when(
                {
                    "linkId": q.id,
                    "text": q.text.get(audience),
                    "type": "choice",
                    "required": True,
                    "repeats": q.type == "multi",
                    "answerOption": [
                        {"valueCoding": _coding(q, o.value, audience, system)} for o in q.all_options
                    ],
                },
                bank,
                q.when,
                audience,
                system,
            )
            for q in questions
        ]
        groups.append(
            _with_enable_when(
                {
                    "linkId": group_link_id(section),
                    "text": section.title.get(audience),
                    "type": "group",
                    "item": items,
                },
                bank,
                section.when,
                audience,
                system,
            )
        )
    return {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(audience),
        "url": questionnaire_url(base, audience),
        "version": version(bank),
        "name": "OpioidUseCheck" + audience.capitalize(),
        "title": TITLES.get(audience, TITLES["self"]),
        "status": "active",
        "subjectType": ["Patient"],
        "description": DESCRIPTION,
        "item": groups,
    }


def code_system(bank: Bank, base: str) -> Json:
    """Build the code system of answer codes: every option value in the bank, once.

    A value means the same in every question ("unsure" is always "Not sure"); where the label
    differs by audience, the counselor's wording is the display.
    """
    concepts: dict[str, str] = {}
    for question in bank.questions.values():
        for option in question.all_options:
            if option.value not in concepts:
                label = option.label
                audience = "counselor" if label.has("counselor") else next(iter(label.by_audience))
                concepts[option.value] = label.get(audience)
    return {
        "resourceType": "CodeSystem",
        "id": f"{NAME}-answers",
        "url": code_system_url(base),
        "version": version(bank),
        "name": "OpioidUseCheckAnswers",
        "title": "Opioid use check: answer codes",
        "status": "active",
        "description": (
            "The answers the opioid use check offers. Each code is an option value of its "
            "question bank and means the same in every question. Not a validated instrument."
        ),
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": [{"code": code, "display": display} for code, display in concepts.items()],
    }


def questionnaire_response(
    bank: Bank, answers: Mapping[str, Answer], audience: str, base: str, authored: datetime
) -> Json:
    """Build the completed response: only the questions asked and answered, no subject.

    The record system attaches the patient; this app never knows who the client is.
    """
    system = code_system_url(base)
    kept = relevant_answers(bank, answers, audience)
    groups = []
    for section, questions in visible_sections(bank, kept, audience):
        items = []
        for question in questions:
            if question.id not in kept:
                continue
            answer = kept[question.id]
            values = answer if isinstance(answer, tuple) else (answer,)
            items.append(
                {
                    "linkId": question.id,
                    "text": question.text.get(audience),
                    "answer": [{"valueCoding": _coding(question, v, audience, system)} for v in values],
                }
            )
        if items:
            groups.append(
                {"linkId": group_link_id(section), "text": section.title.get(audience), "item": items}
            )
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire_url(base, audience)}|{version(bank)}",
        "status": "completed",
        "authored": authored.isoformat(timespec="seconds"),
        "item": groups,
    }


def _items(items: Any) -> Iterator[Json]:
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            yield item
            yield from _items(item.get("item"))


def answers_from_response(bank: Bank, response: Any, base: str) -> dict[str, Answer]:
    """Read answers back from a QuestionnaireResponse; anything that does not fit is dropped."""
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        return {}
    system = code_system_url(base)
    answers: dict[str, Answer] = {}
    for item in _items(response.get("item")):
        link = item.get("linkId")
        question = bank.questions.get(link) if isinstance(link, str) else None
        if question is None or not isinstance(item.get("answer"), list):
            continue
        codes = [
            a["valueCoding"].get("code")
            for a in item["answer"]
            if isinstance(a, dict)
            and isinstance(a.get("valueCoding"), dict)
            and a["valueCoding"].get("system") == system
        ]
        raw: Any = codes if question.type == "multi" else (codes[0] if len(codes) == 1 else None)
        answer = clean_answer(question, raw)
        if answer is not None:
            answers[question.id] = answer
    return answers
