"""Build a form class for each page from the bank, through a registry of field builders."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from types import MappingProxyType
from typing import Any, ClassVar, TypeVar

from flask import request, session
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from . import answers
from .bank import Bank, Option, Question
from .rules import Answer
from .words import N_, _, later

# Each message names its question, so a page of five questions says which one is missing.
CHOOSE_ONE = {
    "yesno": N_("Select yes, no or not sure for: {question}"),
    "choice": N_("Select one answer for: {question}"),
}
CHOOSE_SOME = N_("Select at least one answer, or “{none}”, for: {question}")
NOT_OFFERED = N_("Select one of the answers shown")
ONLY_NONE = N_("Select “{none}” on its own, or other answers")

log = logging.getLogger(__name__)


class ChoiceRequired(InputRequired):
    """Like InputRequired, with a message and without WTForms' "required" attribute."""

    field_flags: dict[str, Any] = {}


class Radio(RadioField):
    """A radio group whose "nothing chosen" error comes from its validators alone."""

    def pre_validate(self, form: Any) -> None:
        if self.data is not None:
            super().pre_validate(form)


def _choices(options: Iterable[Option], audience: str) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.label.get(audience)) for o in options]


def _radio(question: Question, audience: str) -> Field:
    return Radio(
        question.legend(audience),
        choices=_choices(question.options, audience),
        validators=[ChoiceRequired(later(CHOOSE_ONE[question.type], question=question.legend(audience)))],
        invalid_choice_message=later(NOT_OFFERED),
    )


def _exclusive_none(question: Question, audience: str) -> Callable[[Any, Field], None]:
    def check(_form: Any, field: Field) -> None:
        if question.none and question.none.value in (field.data or []) and len(field.data) > 1:
            raise ValidationError(_(ONLY_NONE).format(none=question.none.label.get(audience)))

    return check


def _checkboxes(question: Question, audience: str) -> Field:
    none_label = question.none.label.get(audience) if question.none else _("None of these")
    return SelectMultipleField(
        question.legend(audience),
        choices=_choices(question.all_options, audience),
        validators=[
            ChoiceRequired(later(CHOOSE_SOME, none=none_label, question=question.legend(audience))),
            _exclusive_none(question, audience),
        ],
        invalid_choice_message=later(NOT_OFFERED),
    )


FIELD_BUILDERS: Mapping[str, Callable[[Question, str], Field]] = MappingProxyType(
    {
        "yesno": _radio,
        "choice": _radio,
        "multi": _checkboxes,
    }
)


class CheckedForm(FlaskForm):
    """A form that refuses a post holding anything it never offered: a field, or a repeat."""

    # The names the form offers, and those that may come more than once (checkboxes).
    offered: ClassVar[frozenset[str]] = frozenset()
    repeats: ClassVar[frozenset[str]] = frozenset()
    # What a refused post held (empty when nothing unexpected came, or nothing was posted);
    # start_form and page_form set it when they build the form.
    tampered: Sequence[str] = ()

    def validate_on_submit(self, extra_validators: Any = None) -> bool:
        """Tell whether a post came with only what the form offered, and every answer valid."""
        return not self.tampered and super().validate_on_submit(extra_validators)


class StartForm(CheckedForm):
    """Base for the form that asks who the check is for."""

    offered = frozenset({"audience", "confirm"})
    audience: Radio


class SectionForm(CheckedForm):
    """Base for the per-page forms; a new subclass is made for every page and audience."""

    questions: ClassVar[tuple[Question, ...]] = ()

    def answers(self) -> dict[str, Answer]:
        """Return the valid answers a submitted form holds."""
        result: dict[str, Answer] = {}
        for question in self.questions:
            data = self[question.id].data
            result[question.id] = tuple(data) if isinstance(data, list) else data
        return result


def start_class(bank: Bank) -> type[StartForm]:
    """Return the form class that asks who the check is for."""

    class Start(StartForm):
        audience = Radio(
            later("Who is this check for?"),
            choices=[SelectChoice(a.id, a.label) for a in bank.audiences],
            validators=[ChoiceRequired(later("Select who this check is for"))],
            invalid_choice_message=later(NOT_OFFERED),
        )

    return Start


def section_class(questions: Iterable[Question], audience: str) -> type[SectionForm]:
    """Return a new form class with one field per question, in order."""
    asked = tuple(questions)

    class PageForm(SectionForm):
        questions = asked
        offered = frozenset(q.id for q in asked)
        repeats = frozenset(q.id for q in asked if q.type == "multi")

    for question in asked:
        setattr(PageForm, question.id, FIELD_BUILDERS[question.type](question, audience))
    return PageForm


class FormClasses:
    """One bank's form classes, each page's built once per audience and set of questions.

    Built classes are never changed after they are made, so threads can share them; the bank
    is fixed for the life of the app, so nothing here goes stale. A bank in another language
    would have a FormClasses of its own.
    """

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.start = start_class(bank)
        self.pages: dict[tuple[str, tuple[str, ...]], type[SectionForm]] = {}

    def page(self, questions: tuple[Question, ...], audience: str) -> type[SectionForm]:
        """Return the form class for these questions as this audience sees them."""
        key = (audience, tuple(q.id for q in questions))
        form = self.pages.get(key)
        if form is None:
            # Two threads may both build one the first time; either result is the same.
            form = self.pages[key] = section_class(questions, audience)
        return form


def start_form(classes: FormClasses, formdata: MultiDict[str, str] | None = None) -> StartForm:
    """Return the start page's form, filled from the post (or `formdata`), and checked."""
    form = classes.start() if formdata is None else classes.start(formdata=formdata)
    form.tampered = _refused(form)
    return form


Form = TypeVar("Form", bound=CheckedForm)


def refill(
    form: Form, page: str, questions: Iterable[Question], build: Callable[[MultiDict[str, str]], Form]
) -> Form:
    """After a failed post's redirect, rebuild its form from what it chose (kept in the signed
    cookie) and check it again, or say it was refused; else return `form` as it is."""
    kept = answers.take_form_errors(session, page, questions)
    if kept is None:
        return form
    posted, refused = kept
    if refused:
        form.tampered = ["refused"]
        return form
    again = build(posted)
    again.validate()
    again.csrf_token.errors = []  # a new page, a new token: only the answers are checked again
    return again


def page_form(
    classes: FormClasses,
    questions: tuple[Question, ...],
    audience: str,
    saved: Mapping[str, Answer],
    formdata: MultiDict[str, str] | None = None,
) -> SectionForm:
    """Return a page's form: filled from the post, or from the saved answers, and checked.

    A post holding anything the page never offered is refused whole (`tampered` says what
    came): it is never validated, so nothing from it can be saved.
    """
    form_class = classes.page(questions, audience)
    tampered = _refused(form_class)
    if formdata is not None:
        form = form_class(formdata=formdata)
    elif request.method == "POST" and not tampered:
        form = form_class()
    else:
        form = form_class(data=form_data(saved, questions))
    form.tampered = tampered
    if tampered:
        log.info("refused a form with unexpected input on a question page")
    return form


def _refused(form: CheckedForm | type[CheckedForm]) -> list[str]:
    if request.method != "POST":
        return []
    return unexpected_input(request.form, form.offered, form.repeats)


def form_data(answers: Mapping[str, Answer], questions: Iterable[Question]) -> dict[str, Any]:
    """Return saved answers as initial field data."""
    data: dict[str, Any] = {}
    for question in questions:
        if question.id in answers:
            answer = answers[question.id]
            data[question.id] = list(answer) if isinstance(answer, tuple) else answer
    return data


def unexpected_input(
    formdata: MultiDict[str, str], names: Set[str], multi: Set[str] = frozenset()
) -> list[str]:
    """List what a tampered post holds that our form never offered (fields or repeats)."""
    problems = []
    for key in formdata:
        values = formdata.getlist(key)
        if key not in names and key != "csrf_token":
            problems.append("an unexpected field")
        elif key not in multi and len(values) > 1:
            problems.append("more than one answer to a one-answer question")
        elif len(values) != len(set(values)):
            problems.append("a repeated answer")
    return problems
