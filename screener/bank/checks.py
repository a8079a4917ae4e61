"""The located checks: every problem in the raw YAML data is named by its place.

`Checks` knows the shapes of the small pieces (text per audience, lists, ids, sources,
audiences) and reads a condition by handing it to its operator's row in `conditions.py`;
`builder.Builder` uses it to build the parts of a bank.
"""

from __future__ import annotations

import re
from datetime import date
from types import MappingProxyType
from typing import Any

from .conditions import BY_KEY, SPELLINGS
from .model import (
    AUDIENCES,
    EMPTY_TEXT,
    ID_PATTERN,
    AnyOf,
    Condition,
    Fact,
    Question,
    Resource,
    Source,
    Text,
    TextList,
)

# A source's `checked`: the year and month someone last checked it, like 2026-12.
CHECKED_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def kind_of(value: Any) -> str:
    """Name the kind of a raw YAML value, for a message."""
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


class Checks:
    """Collect every problem with its place while reading the pieces of the raw data."""

    def __init__(
        self, data: Any, yesno_labels: tuple[str, str, str] = ("Yes", "No", "Not sure"), language: str = "en"
    ) -> None:
        self.data = data
        # The bank's language: picks a resource's `in_language` entry.
        self.language = language
        # The fixed options of a yes/no question, in the bank's language.
        self.yesno_labels = yesno_labels
        self.problems: list[str] = []
        self.questions: dict[str, Question] = {}
        self.audience_ids: tuple[str, ...] = AUDIENCES
        # Every question id in the file, so a forward reference is named as such.
        self.all_question_ids: set[Any] = set()
        # The facts defined so far, every fact id in the file, and the ones a rule has used.
        self.facts: dict[str, Fact] = {}
        # The ids of the bank's actions (actions.py), which findings' actions name.
        self.action_ids: set[str] = set()
        self.all_fact_ids: set[Any] = set()
        self.used_facts: set[str] = set()

    # For the condition builders in conditions.py.
    kind_of = staticmethod(kind_of)

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
        self,
        value: Any,
        where: str,
        needed: frozenset[str] | tuple[str, ...] = (),
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
            self.known_keys(entry, {"title", "url", "checked"}, place)
            url = self.string(entry.get("url"), f"{place}.url")
            if url and not url.startswith(("https://", "http://")):
                self.problem(f"{place}.url", f"expected a web address, got {url!r}")
            checked = self.checked(entry["checked"], f"{place}.checked") if "checked" in entry else None
            result.append(Source(self.string(entry.get("title"), f"{place}.title"), url, checked))
        return tuple(result)

    def checked(self, value: Any, where: str) -> date | None:
        """Read the month a source was last checked, written as a year and month: 2026-12."""
        expected = "expected the year and month it was last checked, like 2026-12"
        if isinstance(value, date):  # YAML reads 2026-12-04 as a date: the day is not kept
            self.problem(where, f"{expected}, got a full date ({value.isoformat()}); write the month only")
            return None
        match = CHECKED_PATTERN.match(value) if isinstance(value, str) else None
        if match is None:
            shown = repr(value) if isinstance(value, (str, int, float)) else kind_of(value)
            self.problem(where, f"{expected}, got {shown}")
            return None
        year, month = int(match[1]), int(match[2])
        if not (1 <= month <= 12 and year >= 2000):
            self.problem(where, f"{expected}, got {value!r} (no such month)")
            return None
        return date(year, month, 1)

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

    def spoken(self, value: Any, where: str, audiences: frozenset[str], text: Text) -> str:
        """Read what a counselor asks the client aloud: `ask`, else the question's own
        `self` wording; `ask: false` when the counselor answers from what they see."""
        if value is False:
            return ""
        if value is not None:
            if "counselor" not in audiences:
                self.problem(where, "only a question the counselor asks has words to read aloud")
            spoken = self.string(value, where)
        else:
            spoken = text.get("self") if "counselor" in audiences else ""
        if "counselor" in audiences and not spoken.rstrip().endswith("?"):
            self.problem(
                where,
                "a counselor reads a question aloud: give `ask:` (a question, ending in '?'),"
                " or `ask: false` if they answer it from what they see",
            )
        return spoken

    def summary_flag(self, value: Any, where: str) -> tuple[bool, str]:
        """Read a question's summary: true, false or the short label to show."""
        if isinstance(value, bool):
            return value, ""
        if isinstance(value, str) and value.strip():
            return True, value.strip()
        self.problem(where, f"expected true, false or a short label, got {kind_of(value)}")
        return False, ""

    def resource_ref(self, value: Any, where: str, resources: dict[str, Resource]) -> str:
        """Check that a helpline id names one in the bank."""
        if value not in resources:
            self.problem(where, f"unknown resource {value!r}")
        return str(value)

    def condition(self, raw: Any, where: str) -> Condition:
        """Parse a condition over the questions registered so far."""
        if not isinstance(raw, dict) or not raw:
            self.problem(where, f"expected a condition (a mapping), got {kind_of(raw)}")
            return AnyOf(())
        if "answer" in raw:
            operator = "answer"
        elif len(raw) == 2 and "at_least" in raw and "of" in raw:
            operator = "at_least"
        elif len(raw) == 1:
            operator = next(iter(raw))
        else:
            self.problem(where, f"a condition has exactly one operator, got {sorted(raw)}")
            return AnyOf(())
        known = BY_KEY.get(operator)
        if known is None:
            self.problem(where, f"unknown operator '{operator}' (known: {', '.join(SPELLINGS)})")
            return AnyOf(())
        return known.build(self, raw, where)

    def question_ref(self, qid: Any, where: str) -> Question | None:
        """Return the question a condition reads, if it is asked before this point."""
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

    def condition_items(self, raw: Any, where: str) -> tuple[Condition, ...]:
        """Parse a non-empty list of conditions."""
        items = self.items(raw, where)
        if not items:
            self.problem(where, "expected at least one condition")
        return tuple(self.condition(c, f"{where}[{i}]") for i, c in enumerate(items))
