"""The located checks: every problem in the raw YAML data is named by its place.

`Checks` knows the shapes of the small pieces (text per audience, lists, ids, sources,
audiences) and of conditions; `reader.Builder` uses it to build the parts of a bank.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from .model import (
    AUDIENCES,
    EMPTY_TEXT,
    ID_PATTERN,
    AllOf,
    Answered,
    AnswerIs,
    AnyOf,
    AtLeast,
    Condition,
    Given,
    Not,
    Question,
    Source,
    Text,
    TextList,
)


class Checks:
    """Collect every problem with its place while reading the pieces of the raw data."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.problems: list[str] = []
        self.questions: dict[str, Question] = {}
        self.audience_ids: tuple[str, ...] = AUDIENCES
        # Every question id in the file, so a forward reference is named as such.
        self.all_question_ids: set[Any] = set()

    # helpers -------------------------------------------------------------------------

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(where, f"expected a mapping, got {kind_of(value)}")
            return {}
        return value

    def items(self, value: Any, where: str, required: bool = True) -> list[Any]:
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self.problem(where, f"expected a list, got {kind_of(value)}")
            return []
        return value

    def string(self, value: Any, where: str, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"expected text, got {kind_of(value)}")
            return ""
        return value.strip()

    def identifier(self, value: Any, where: str, seen: set[str]) -> str:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(where, f"invalid id {value!r} (use lower_snake_case, at most 40 characters)")
            return str(value)
        if value in seen:
            self.problem(where, f"duplicate id '{value}'")
        seen.add(value)
        return value

    def known_keys(self, raw: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in raw:
            if key not in allowed:
                self.problem(where, f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")

    def text(
        self, value: Any, where: str, needed: frozenset[str] | tuple[str, ...] = (),
        required: bool = True,
    ) -> Text:
        if value is None and not required:
            return EMPTY_TEXT
        if isinstance(value, str) and value.strip():
            return Text(MappingProxyType({a: value.strip() for a in self.audience_ids}))
        if isinstance(value, dict):
            words: dict[str, str] = {}
            for audience, words_for in value.items():
                if audience not in self.audience_ids:
                    self.problem(f"{where}.{audience}", f"unknown audience '{audience}'")
                    continue
                words[audience] = self.string(words_for, f"{where}.{audience}")
            for audience in needed:
                if audience not in value:
                    self.problem(where, f"missing wording for audience '{audience}'")
            return Text(MappingProxyType(words))
        self.problem(where, f"expected text or a mapping of audience to text, got {kind_of(value)}")
        return EMPTY_TEXT

    def text_list(self, value: Any, where: str, needed: frozenset[str]) -> TextList:
        if isinstance(value, list):
            steps = tuple(self.string(s, f"{where}[{i}]") for i, s in enumerate(value))
            return TextList(MappingProxyType({a: steps for a in self.audience_ids}))
        if isinstance(value, dict):
            lists: dict[str, tuple[str, ...]] = {}
            for audience, steps_for in value.items():
                if audience not in self.audience_ids:
                    self.problem(f"{where}.{audience}", f"unknown audience '{audience}'")
                    continue
                lists[audience] = tuple(
                    self.string(s, f"{where}.{audience}[{i}]")
                    for i, s in enumerate(self.items(steps_for, f"{where}.{audience}"))
                )
            for audience in needed:
                if audience not in value:
                    self.problem(where, f"missing steps for audience '{audience}'")
            return TextList(MappingProxyType(lists))
        self.problem(where, f"expected a list or a mapping of audience to list, got {kind_of(value)}")
        return TextList(MappingProxyType({}))

    def sources(self, value: Any, where: str) -> tuple[Source, ...]:
        raw = self.items(value, where, required=False)
        if not raw:
            self.problem(where, "at least one source (title and url) is required")
        result = []
        for i, item in enumerate(raw):
            place = f"{where}[{i}]"
            entry = self.mapping(item, place)
            self.known_keys(entry, {"title", "url"}, place)
            url = self.string(entry.get("url"), f"{place}.url")
            if url and not url.startswith(("https://", "http://")):
                self.problem(f"{place}.url", f"expected a web address, got {url!r}")
            result.append(Source(self.string(entry.get("title"), f"{place}.title"), url))
        return tuple(result)

    def audiences_of(self, value: Any, where: str) -> frozenset[str]:
        if value is None:
            return frozenset(self.audience_ids)
        chosen = set()
        for i, audience in enumerate(self.items(value, where)):
            if audience not in self.audience_ids:
                self.problem(f"{where}[{i}]", f"unknown audience {audience!r}")
            else:
                chosen.add(audience)
        if not chosen:
            self.problem(where, "at least one audience is required")
        return frozenset(chosen)

    # conditions ----------------------------------------------------------------------

    def condition(self, raw: Any, where: str) -> Condition:
        """Parse a condition over the questions registered so far."""
        if not isinstance(raw, dict) or not raw:
            self.problem(where, f"expected a condition (a mapping), got {kind_of(raw)}")
            return AnyOf(())
        if "answer" in raw:
            return self._answer_condition(raw, where)
        if len(raw) == 2 and "at_least" in raw and "of" in raw:
            operator = "at_least"
        elif len(raw) == 1:
            operator = next(iter(raw))
        else:
            self.problem(where, f"a condition has exactly one operator, got {sorted(raw)}")
            return AnyOf(())
        parser = _OPERATORS.get(operator)
        if parser is None:
            self.problem(
                where,
                f"unknown operator '{operator}' (known: {', '.join(sorted(_ALL_OPERATORS))})",
            )
            return AnyOf(())
        return parser(self, raw, where)

    def _answer_condition(self, raw: dict[str, Any], where: str) -> Condition:
        extra = set(raw) - {"answer", "is", "in"}
        if extra or ("is" in raw) == ("in" in raw):
            self.problem(where, "use {answer: ID, is: VALUE} or {answer: ID, in: [VALUES]}")
            return AnyOf(())
        question = self._reference(raw["answer"], f"{where}.answer")
        if "is" in raw:
            values, place = [raw["is"]], f"{where}.is"
        else:
            values, place = self.items(raw["in"], f"{where}.in"), f"{where}.in"
        if not values:
            self.problem(place, "expected at least one value")
        checked = []
        for value in values:
            if not isinstance(value, str):
                self.problem(place, f"expected an option value, got {kind_of(value)}")
                continue
            if question and value not in question.values:
                self.problem(
                    place,
                    f"'{value}' is not an option of question '{question.id}' "
                    f"(options: {', '.join(sorted(question.values))})",
                )
            checked.append(value)
        return AnswerIs(str(raw["answer"]), frozenset(checked))

    def _reference(self, qid: Any, where: str) -> Question | None:
        question = self.questions.get(qid) if isinstance(qid, str) else None
        if question is None:
            if isinstance(qid, str) and qid in self.all_question_ids:
                self.problem(
                    where,
                    f"question '{qid}' is not asked before this point; a rule here may only "
                    "use questions from earlier sections",
                )
            else:
                self.problem(where, f"unknown question {qid!r}")
            return None
        return question

    def _parse_answered(self, raw: dict[str, Any], where: str) -> Condition:
        self._reference(raw["answered"], f"{where}.answered")
        return Answered(str(raw["answered"]))

    def _parse_items(self, raw: Any, where: str) -> tuple[Condition, ...]:
        items = self.items(raw, where)
        if not items:
            self.problem(where, "expected at least one condition")
        return tuple(self.condition(c, f"{where}[{i}]") for i, c in enumerate(items))

    def _parse_any(self, raw: dict[str, Any], where: str) -> Condition:
        return AnyOf(self._parse_items(raw["any"], f"{where}.any"))

    def _parse_all(self, raw: dict[str, Any], where: str) -> Condition:
        return AllOf(self._parse_items(raw["all"], f"{where}.all"))

    def _parse_not(self, raw: dict[str, Any], where: str) -> Condition:
        return Not(self.condition(raw["not"], f"{where}.not"))

    def _parse_given(self, raw: dict[str, Any], where: str) -> Condition:
        return Given(self.condition(raw["given"], f"{where}.given"))

    def _parse_at_least(self, raw: dict[str, Any], where: str) -> Condition:
        items = self._parse_items(raw.get("of"), f"{where}.of")
        count = raw.get("at_least")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= len(items):
            self.problem(
                f"{where}.at_least", f"expected a whole number from 1 to {len(items)}, got {count!r}"
            )
            count = 1
        return AtLeast(count, items)


_Parser = Callable[[Checks, dict[str, Any], str], Condition]

_OPERATORS: Mapping[str, _Parser] = MappingProxyType({
    "answered": Checks._parse_answered,
    "any": Checks._parse_any,
    "all": Checks._parse_all,
    "not": Checks._parse_not,
    "given": Checks._parse_given,
    "at_least": Checks._parse_at_least,
})
_ALL_OPERATORS = (*_OPERATORS, "answer+is", "answer+in")


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )
