"""One home per condition operator: how it is written, checked, evaluated and what it reads.

Each row of `OPERATORS` says, once, for one operator: its YAML spelling, how the raw mapping is
checked and built (naming every problem by its place), how it is evaluated with three-valued
logic, which conditions it holds, and whether the answers under it count as the ones behind a
finding (those under `not` and `given` only rule something out). The bank checks
(`checks.Checks.condition`) and the engine (`rules.truth`) both read this table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .model import UNSURE, AllOf, Answered, AnswerIs, AnyOf, AtLeast, Condition, Given, IsFact, Not

if TYPE_CHECKING:
    from .checks import Checks

# An answer is a single option value, or for a multi question a tuple of values.
Answer = str | tuple[str, ...]
Answers = Mapping[str, Answer]
# Three-valued truth: True, False, or None for "not known" (a "not sure" answer).
Truth = bool | None
# Within one evaluation each condition's truth is worked out once, keyed by the condition's
# identity: findings and areas share sub-conditions, and triggers ask again what was true.
Memo = dict[int, Truth]


@dataclass(frozen=True)
class Operator:
    """Everything about one condition operator, in one place."""

    spellings: tuple[str, ...]
    type: type
    build: Callable[[Checks, dict[str, Any], str], Condition]
    # Compiles a condition into a function of the answers, with three-valued logic.
    compile: Callable[[Any], Compiled]
    # The conditions it holds (none for one that reads a question itself).
    items: Callable[[Any], tuple[Condition, ...]]
    # The question it reads itself, if any.
    reads: Callable[[Any], str | None]
    # Whether true items under it show which answers made it true.
    lists_answers: bool


# --- shape checks and builders --------------------------------------------------------


def _build_answer(checks: Checks, raw: dict[str, Any], where: str) -> Condition:
    extra = set(raw) - {"answer", "is", "in"}
    if extra or ("is" in raw) == ("in" in raw):
        checks.problem(where, "use {answer: ID, is: VALUE} or {answer: ID, in: [VALUES]}")
        return AnyOf(())
    question = checks.question_ref(raw["answer"], f"{where}.answer")
    if "is" in raw:
        values, place = [raw["is"]], f"{where}.is"
    else:
        values, place = checks.items(raw["in"], f"{where}.in"), f"{where}.in"
    if not values:
        checks.problem(place, "expected at least one value")
    checked = []
    for value in values:
        if not isinstance(value, str):
            checks.problem(place, f"expected an option value, got {checks.kind_of(value)}")
            continue
        if question and value not in question.values:
            checks.problem(
                place,
                f"'{value}' is not an option of question '{question.id}' "
                f"(options: {', '.join(sorted(question.values))})",
            )
        checked.append(value)
    return AnswerIs(str(raw["answer"]), frozenset(checked))


def _build_answered(checks: Checks, raw: dict[str, Any], where: str) -> Condition:
    checks.question_ref(raw["answered"], f"{where}.answered")
    return Answered(str(raw["answered"]))


def _build_any(checks: Checks, raw: dict[str, Any], where: str) -> Condition:
    return AnyOf(checks.condition_items(raw["any"], f"{where}.any"))


def _build_all(checks: Checks, raw: dict[str, Any], where: str) -> Condition:
    return AllOf(checks.condition_items(raw["all"], f"{where}.all"))


def _build_not(checks: Checks, raw: dict[str, Any], where: str) -> Condition:
    return Not(checks.condition(raw["not"], f"{where}.not"))


def _build_given(checks: Checks, raw: dict[str, Any], where: str) -> Condition:
    return Given(checks.condition(raw["given"], f"{where}.given"))


def _build_at_least(checks: Checks, raw: dict[str, Any], where: str) -> Condition:
    items = checks.condition_items(raw.get("of"), f"{where}.of")
    count = raw.get("at_least")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= len(items):
        checks.problem(f"{where}.at_least", f"expected a whole number from 1 to {len(items)}, got {count!r}")
        count = 1
    return AtLeast(count, items)


def _build_fact(checks: Checks, raw: dict[str, Any], where: str) -> Condition:
    name = raw["fact"]
    fact = checks.facts.get(name) if isinstance(name, str) else None
    if fact is None:
        if name in checks.all_fact_ids:
            checks.problem(
                f"{where}.fact",
                f"fact '{name}' is not defined before this point; a fact may use only the facts "
                "above it (so facts never go round in a circle)",
            )
        else:
            known = ", ".join(sorted(checks.facts)) or "none yet"
            checks.problem(f"{where}.fact", f"unknown fact {name!r} (known here: {known})")
        return AnyOf(())
    later = [q for q in questions_in(fact.when) if q not in checks.questions]
    if later:
        checks.problem(
            f"{where}.fact",
            f"fact '{name}' reads {', '.join(sorted(set(later)))}, not asked before this point",
        )
    checks.used_facts.add(fact.id)
    return IsFact(fact.id, fact.when)


# --- three-valued evaluation, compiled -----------------------------------------------
# Each operator compiles a condition, once, into a plain function of the answers (and the memo
# of one evaluation). A compiled condition calls its items' compiled functions directly; only a
# fact (shared by many rules) and the condition `truth` is asked about keep their result in the
# memo. Every function is pure, so stopping at the first True or False changes no result.

Compiled = Callable[[Answers, Memo | None], Truth]


def _compile_answer_is(condition: AnswerIs) -> Compiled:
    question, values = condition.question, condition.values

    def answer_is(answers: Answers, _memo: Memo | None) -> Truth:
        answer = answers.get(question)
        if answer is None:
            return False
        if isinstance(answer, tuple):
            if not values.isdisjoint(answer):
                return True
            return None if UNSURE in answer else False
        if answer in values:
            return True
        return None if answer == UNSURE else False

    return answer_is


def _compile_answered(condition: Answered) -> Compiled:
    question = condition.question

    def answered(answers: Answers, _memo: Memo | None) -> Truth:
        return question in answers

    return answered


def _compile_any(condition: AnyOf) -> Compiled:
    items = tuple(compiled(item) for item in condition.items)

    def any_of(answers: Answers, memo: Memo | None) -> Truth:
        unknown = False
        for item in items:
            result = item(answers, memo)
            if result is True:
                return True
            if result is None:
                unknown = True
        return None if unknown else False

    return any_of


def _compile_all(condition: AllOf) -> Compiled:
    items = tuple(compiled(item) for item in condition.items)

    def all_of(answers: Answers, memo: Memo | None) -> Truth:
        unknown = False
        for item in items:
            result = item(answers, memo)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True

    return all_of


def _compile_not(condition: Not) -> Compiled:
    item = compiled(condition.item)

    def not_(answers: Answers, memo: Memo | None) -> Truth:
        result = item(answers, memo)
        return None if result is None else not result

    return not_


def _compile_given(condition: Given) -> Compiled:
    return compiled(condition.item)


def _compile_at_least(condition: AtLeast) -> Compiled:
    items, count = tuple(compiled(item) for item in condition.items), condition.count

    def at_least(answers: Answers, memo: Memo | None) -> Truth:
        true = unknown = 0
        for item in items:
            result = item(answers, memo)
            if result is True:
                true += 1
                if true >= count:
                    return True
            elif result is None:
                unknown += 1
        return None if true + unknown >= count else False

    return at_least


def _compile_is_fact(condition: IsFact) -> Compiled:
    # Every rule that names the fact holds the same `item`: its truth is kept by that identity.
    shared, key = compiled(condition.item), id(condition.item)

    def is_fact(answers: Answers, memo: Memo | None) -> Truth:
        if memo is None:
            return shared(answers, None)
        if key in memo:
            return memo[key]
        result = memo[key] = shared(answers, memo)
        return result

    return is_fact


# --- the table ------------------------------------------------------------------------


def _no_items(_condition: Any) -> tuple[Condition, ...]:
    return ()


def _its_items(condition: Any) -> tuple[Condition, ...]:
    return tuple(condition.items)


def _its_item(condition: Any) -> tuple[Condition, ...]:
    return (condition.item,)


def _its_question(condition: Any) -> str | None:
    return str(condition.question)


def _no_question(_condition: Any) -> str | None:
    return None


OPERATORS: tuple[Operator, ...] = (
    Operator(
        ("answer+is", "answer+in"),
        AnswerIs,
        _build_answer,
        _compile_answer_is,
        _no_items,
        _its_question,
        lists_answers=True,
    ),
    Operator(
        ("answered",),
        Answered,
        _build_answered,
        _compile_answered,
        _no_items,
        _its_question,
        lists_answers=True,
    ),
    Operator(("any",), AnyOf, _build_any, _compile_any, _its_items, _no_question, lists_answers=True),
    Operator(("all",), AllOf, _build_all, _compile_all, _its_items, _no_question, lists_answers=True),
    Operator(("not",), Not, _build_not, _compile_not, _its_item, _no_question, lists_answers=False),
    Operator(("given",), Given, _build_given, _compile_given, _its_item, _no_question, lists_answers=False),
    Operator(
        ("at_least",),
        AtLeast,
        _build_at_least,
        _compile_at_least,
        _its_items,
        _no_question,
        lists_answers=True,
    ),
    Operator(("fact",), IsFact, _build_fact, _compile_is_fact, _its_item, _no_question, lists_answers=True),
)
# The YAML key that names each operator ({answer: ID, is/in: ...} is keyed by "answer").
BY_KEY: Mapping[str, Operator] = MappingProxyType({op.spellings[0].split("+")[0]: op for op in OPERATORS})
BY_TYPE: Mapping[type, Operator] = MappingProxyType({op.type: op for op in OPERATORS})
SPELLINGS: tuple[str, ...] = tuple(sorted(s for op in OPERATORS for s in op.spellings))


def truth(condition: Condition, answers: Answers, memo: Memo | None = None) -> Truth:
    """Evaluate a condition with three-valued logic (None means not known).

    `memo` keeps each result for one set of answers; never share it across answer sets.
    """
    if memo is None:
        return compiled(condition)(answers, None)
    key = id(condition)
    if key not in memo:
        memo[key] = compiled(condition)(answers, memo)
    return memo[key]


# Where a condition keeps its compiled function (the conditions are the bank's own objects,
# built once at load: nothing about any answers is kept there).
_COMPILED = "_compiled"


def compiled(condition: Condition) -> Compiled:
    """Return the condition's compiled function, compiling it (and its items) the first time."""
    function: Compiled | None = condition.__dict__.get(_COMPILED)
    if function is None:
        function = BY_TYPE[type(condition)].compile(condition)
        # The conditions are frozen dataclasses; the function is not a field, so it changes
        # neither their equality nor their hash.
        object.__setattr__(condition, _COMPILED, function)
    return function


def questions_in(condition: Condition) -> Iterator[str]:
    """Yield every question id a condition refers to."""
    operator = BY_TYPE[type(condition)]
    question = operator.reads(condition)
    if question is not None:
        yield question
    for item in operator.items(condition):
        yield from questions_in(item)


def supporting(condition: Condition, answers: Answers, memo: Memo) -> Iterable[str]:
    """Yield the questions whose answers make a true condition true.

    Answers under `not` or `given` only rule something out, so they are not listed.
    """
    operator = BY_TYPE[type(condition)]
    question = operator.reads(condition)
    if question is not None:
        if truth(condition, answers, memo):
            yield question
    elif operator.lists_answers:
        for item in operator.items(condition):
            if truth(item, answers, memo):
                yield from supporting(item, answers, memo)
