"""Load questions.yaml into frozen, typed objects and report every problem by its place."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .paths import content

AUDIENCES: tuple[str, ...] = ("self", "other", "counselor")
LEVELS: tuple[str, ...] = ("emergency", "urgent", "talk_soon", "info")
QUESTION_TYPES: tuple[str, ...] = ("yesno", "choice", "multi")
REGIONS: tuple[str, ...] = ("US", "CA", "UK")
UNSURE = "unsure"
YESNO_VALUES: tuple[str, ...] = ("yes", "no", UNSURE)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
DEFAULT_PATH = content("questions.yaml")


class BankError(Exception):
    """Raised with every problem found in a question bank."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --- the objects ----------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Words that may differ by audience."""

    by_audience: Mapping[str, str]

    def get(self, audience: str) -> str:
        """Return the wording for an audience ("" when it has none)."""
        return self.by_audience.get(audience, "")

    def has(self, audience: str) -> bool:
        """Tell whether there is wording for the audience."""
        return bool(self.by_audience.get(audience))


@dataclass(frozen=True)
class TextList:
    """A list of sentences that may differ by audience."""

    by_audience: Mapping[str, tuple[str, ...]]

    def get(self, audience: str) -> tuple[str, ...]:
        """Return the list for an audience (empty when it has none)."""
        return self.by_audience.get(audience, ())


EMPTY_TEXT = Text(MappingProxyType({}))


@dataclass(frozen=True)
class AnswerIs:
    """True when a question's answer is one of `values` (for multi: any chosen)."""

    question: str
    values: frozenset[str]


@dataclass(frozen=True)
class Answered:
    """True when a question has any answer."""

    question: str


@dataclass(frozen=True)
class AnyOf:
    """True when at least one item is true."""

    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AllOf:
    """True when every item is true."""

    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """True when the item is false."""

    item: Condition


@dataclass(frozen=True)
class AtLeast:
    """True when at least `count` items are true."""

    count: int
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Given:
    """True when the item is true; its answers only rule things out, so they are never listed."""

    item: Condition


Condition = AnswerIs | Answered | AnyOf | AllOf | Not | AtLeast | Given


def questions_in(condition: Condition) -> Iterator[str]:
    """Yield every question id a condition refers to."""
    if isinstance(condition, AnswerIs | Answered):
        yield condition.question
    elif isinstance(condition, Not | Given):
        yield from questions_in(condition.item)
    else:
        for item in condition.items:
            yield from questions_in(item)


@dataclass(frozen=True)
class Source:
    """Where a fact comes from."""

    title: str
    url: str


@dataclass(frozen=True)
class Option:
    """One answer a question offers."""

    value: str
    label: Text


@dataclass(frozen=True)
class Question:
    """One question, worded per audience."""

    id: str
    type: str
    text: Text
    hint: Text
    audiences: frozenset[str]
    when: Condition | None
    options: tuple[Option, ...]
    none: Option | None
    section: str
    # In the counselor's summary block; the label is a short name for the row ("" = the text).
    summary: bool = False
    summary_label: str = ""

    def option(self, value: str) -> Option | None:
        """Return the option with this value, if any."""
        return self._by_value.get(value)

    # Worked out once per question: every request reads them, often many times.
    @cached_property
    def all_options(self) -> tuple[Option, ...]:
        """Return every option, the exclusive "none" one last."""
        return self.options + ((self.none,) if self.none else ())

    @cached_property
    def values(self) -> frozenset[str]:
        """Return every value this question accepts."""
        return frozenset(option.value for option in self.all_options)

    @cached_property
    def _by_value(self) -> dict[str, Option]:
        return {option.value: option for option in self.all_options}


@dataclass(frozen=True)
class Section:
    """A checklist shown on one page."""

    id: str
    title: Text
    intro: Text
    when: Condition | None
    questions: tuple[Question, ...]

    def for_audience(self, audience: str) -> tuple[Question, ...]:
        """Return the questions this audience is ever asked here."""
        return self._by_audience.get(audience, ())

    @cached_property
    def _by_audience(self) -> dict[str, tuple[Question, ...]]:
        return {a: tuple(q for q in self.questions if a in q.audiences) for a in AUDIENCES}


@dataclass(frozen=True)
class Area:
    """One of the areas clinicians look at in a full assessment."""

    id: str
    name: str
    when: Condition
    note: str
    # The note is shown only when this is true (for example: only with a prescription).
    note_when: Condition | None = None


@dataclass(frozen=True)
class Block:
    """A piece of a learn page: a paragraph, a heading or a list."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Aftercare:
    """What the results say, in a calm voice, once a person has gone on past an interrupt."""

    title: Text
    text: Text
    steps: TextList


@dataclass(frozen=True)
class Part:
    """Words a finding adds only when their own condition is true too."""

    when: Condition
    explanation: Text
    steps: TextList


@dataclass(frozen=True)
class Finding:
    """A rule: a pattern worth talking about, with what to do next."""

    id: str
    level: str
    when: Condition
    audiences: frozenset[str]
    title: Text
    explanation: Text
    steps: TextList
    learn: str | None
    resources: tuple[str, ...]
    sources: tuple[Source, ...]
    parts: tuple[Part, ...] = ()
    ends: bool = False
    interrupt: bool = False
    call_hint: Text = field(default_factory=lambda: EMPTY_TEXT)
    more: tuple[Block, ...] = ()
    aftercare: Aftercare | None = None

    @property
    def rank(self) -> int:
        """Return the urgency rank (0 is the most urgent)."""
        return LEVELS.index(self.level)

    @property
    def interrupts(self) -> bool:
        """Tell whether this finding stops the questions as soon as it fires."""
        return self.level == "emergency" or self.interrupt


@dataclass(frozen=True)
class LearnPage:
    """A short page that explains one idea."""

    id: str
    title: str
    summary: str
    body: tuple[Block, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Resource:
    """A free, public helpline or service."""

    id: str
    name: str
    phone: str
    tty: str
    text: str
    sms: str
    access: str
    url: str
    hours: str
    languages: str
    cost: str
    what_happens: str
    region: str
    sources: tuple[Source, ...]

    @property
    def tel(self) -> str:
        """Return the phone number as a tel: URI target."""
        return tel_uri(self.phone)

    @property
    def tty_tel(self) -> str:
        """Return the TTY number as a tel: URI target."""
        return tel_uri(self.tty)

    @property
    def sms_uri(self) -> str:
        """Return the number to text as an sms: URI target."""
        digits = re.sub(r"[^0-9]", "", self.sms)
        return f"sms:{digits}" if digits else ""


def tel_uri(number: str) -> str:
    """Turn a printed phone number into a tel: URI target."""
    digits = re.sub(r"[^0-9+]", "", number)
    return f"tel:{digits}" if digits else ""


@dataclass(frozen=True)
class Audience:
    """Who is answering."""

    id: str
    label: str
    hint: str


@dataclass(frozen=True)
class Bank:
    """The whole question bank, immutable once loaded."""

    version: int
    fingerprint: str
    audiences: tuple[Audience, ...]
    areas: tuple[Area, ...]
    sections: tuple[Section, ...]
    findings: tuple[Finding, ...]
    learn: Mapping[str, LearnPage]
    resources: Mapping[str, Resource]
    default_resources: tuple[str, ...]
    questions: Mapping[str, Question] = field(repr=False)
    section_index: Mapping[str, int] = field(repr=False)

    @property
    def endings(self) -> tuple[Finding, ...]:
        """Return the findings that end the questions when they fire."""
        return tuple(f for f in self.findings if f.ends)

    @cached_property
    def audience_ids(self) -> frozenset[str]:
        """Return the ids of the audiences."""
        return frozenset(a.id for a in self.audiences)

    def summary(self) -> str:
        """Return a one-line description of the bank."""
        counts = ", ".join(
            f"{a.id} {sum(len(s.for_audience(a.id)) for s in self.sections)}"
            for a in self.audiences
        )
        return (
            f"{len(self.audiences)} audiences, {len(self.sections)} sections, "
            f"{len(self.questions)} questions ({counts}), {len(self.findings)} findings, "
            f"{len(self.learn)} learn pages, {len(self.resources)} resources"
        )


# --- reading YAML ---------------------------------------------------------------------


# libyaml's parser is about ten times faster than the pure-Python one; the rules stay the same.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc]
    """A safe loader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", mark
            )
        seen.add(key)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)
# YAML 1.1 reads yes/no/on/off as booleans; answer values are words, so keep YAML 1.2's
# rule that only true and false are booleans.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


def read_yaml(text: str) -> Any:
    """Parse YAML text, raising BankError with the line and column of a syntax error."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # safe: a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        what = error.problem or error.context or "invalid YAML"
        raise BankError([f"YAML syntax error at {where}: {what}"]) from None
    except yaml.YAMLError as error:
        raise BankError([f"YAML error: {error}"]) from None


def load(path: str | Path | None = None) -> Bank:
    """Load and check a bank file; raise BankError listing every problem."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BankError([f"{path}: cannot read the file ({error})"]) from None
    return parse(read_yaml(text))


def parse(data: Any) -> Bank:
    """Build a Bank from already-parsed YAML data; raise BankError listing every problem."""
    return _Builder(data).build()


# --- checking and building ------------------------------------------------------------


class _Builder:
    """Walk the raw data once, collect every problem, and build the frozen objects."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.problems: list[str] = []
        self.questions: dict[str, Question] = {}
        self.audience_ids: tuple[str, ...] = AUDIENCES

    # helpers -------------------------------------------------------------------------

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(where, f"expected a mapping, got {_kind(value)}")
            return {}
        return value

    def items(self, value: Any, where: str, required: bool = True) -> list[Any]:
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self.problem(where, f"expected a list, got {_kind(value)}")
            return []
        return value

    def string(self, value: Any, where: str, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"expected text, got {_kind(value)}")
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
        self.problem(where, f"expected text or a mapping of audience to text, got {_kind(value)}")
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
        self.problem(where, f"expected a list or a mapping of audience to list, got {_kind(value)}")
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
            self.problem(where, f"expected a condition (a mapping), got {_kind(raw)}")
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
                self.problem(place, f"expected an option value, got {_kind(value)}")
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

    # the parts -----------------------------------------------------------------------

    def build(self) -> Bank:
        root = self.mapping(self.data, "(top level)")
        self.known_keys(
            root,
            {"version", "audiences", "areas", "sections", "findings", "learn", "resources",
             "default_resources"},
            "(top level)",
        )
        version = root.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.problem("version", f"expected a whole number of 1 or more, got {version!r}")
            version = 0
        audiences = self.build_audiences(root.get("audiences"))
        # Collect every question id first, so a forward reference is named as such.
        self.all_question_ids = {
            q.get("id")
            for s in (root.get("sections") or [] if isinstance(root.get("sections"), list) else [])
            if isinstance(s, dict) and isinstance(s.get("questions"), list)
            for q in s["questions"]
            if isinstance(q, dict)
        }
        sections = self.build_sections(root.get("sections"))
        learn = self.build_learn(root.get("learn"))
        resources = self.build_resources(root.get("resources"))
        areas = self.build_areas(root.get("areas"))
        findings = self.build_findings(root.get("findings"), learn, resources)
        default_resources = tuple(
            self.resource_ref(r, f"default_resources[{i}]", resources)
            for i, r in enumerate(self.items(root.get("default_resources"), "default_resources"))
        )
        if self.problems:
            raise BankError(self.problems)
        return Bank(
            version=version,
            fingerprint=_fingerprint(version, sections),
            audiences=audiences,
            areas=areas,
            sections=sections,
            findings=findings,
            learn=MappingProxyType(learn),
            resources=MappingProxyType(resources),
            default_resources=default_resources,
            questions=MappingProxyType(dict(self.questions)),
            section_index=MappingProxyType({s.id: i for i, s in enumerate(sections)}),
        )

    def build_audiences(self, raw: Any) -> tuple[Audience, ...]:
        result = []
        seen: set[str] = set()
        for i, item in enumerate(self.items(raw, "audiences")):
            where = f"audiences[{i}]"
            entry = self.mapping(item, where)
            self.known_keys(entry, {"id", "label", "hint"}, where)
            audience_id = self.identifier(entry.get("id"), f"{where}.id", seen)
            if audience_id not in AUDIENCES:
                self.problem(f"{where}.id", f"unknown audience '{audience_id}'")
            result.append(Audience(
                audience_id,
                self.string(entry.get("label"), f"{where}.label"),
                self.string(entry.get("hint"), f"{where}.hint", required=False),
            ))
        missing = [a for a in AUDIENCES if a not in seen]
        if missing:
            self.problem("audiences", f"missing audiences: {', '.join(missing)}")
        return tuple(result)

    def build_sections(self, raw: Any) -> tuple[Section, ...]:
        result = []
        section_ids: set[str] = set()
        question_ids: set[str] = set()
        for s_index, item in enumerate(self.items(raw, "sections")):
            where = f"sections[{s_index}]"
            entry = self.mapping(item, where)
            self.known_keys(entry, {"id", "title", "intro", "when", "questions"}, where)
            section_id = self.identifier(entry.get("id"), f"{where}.id", section_ids)
            when = (
                self.condition(entry["when"], f"{where}.when")
                if "when" in entry else None
            )
            questions = []
            for q_index, q_raw in enumerate(self.items(entry.get("questions"), f"{where}.questions")):
                question = self.build_question(
                    q_raw, f"{where}.questions[{q_index}]", section_id, question_ids
                )
                questions.append(question)
            if not questions:
                self.problem(f"{where}.questions", "a section needs at least one question")
            shown_to = frozenset().union(*(q.audiences for q in questions)) if questions else frozenset()
            # Register after the whole section, so a rule cannot use a question from its own page.
            for question in questions:
                self.questions[question.id] = question
            result.append(Section(
                id=section_id,
                title=self.text(entry.get("title"), f"{where}.title", shown_to),
                intro=self.text(entry.get("intro"), f"{where}.intro", shown_to, required=False),
                when=when,
                questions=tuple(questions),
            ))
        return tuple(result)

    def build_question(
        self, raw: Any, where: str, section_id: str, seen: set[str]
    ) -> Question:
        entry = self.mapping(raw, where)
        self.known_keys(
            entry,
            {"id", "type", "text", "hint", "audiences", "when", "options", "none", "summary"},
            where,
        )
        question_id = self.identifier(entry.get("id"), f"{where}.id", seen)
        kind = entry.get("type")
        if kind not in QUESTION_TYPES:
            self.problem(
                f"{where}.type", f"unknown question type {kind!r} (known: {', '.join(QUESTION_TYPES)})"
            )
            kind = "yesno"
        audiences = self.audiences_of(entry.get("audiences"), f"{where}.audiences")
        when = (
            self.condition(entry["when"], f"{where}.when")
            if "when" in entry else None
        )
        options: tuple[Option, ...]
        none = None
        if kind == "yesno":
            if "options" in entry or "none" in entry:
                self.problem(where, "a yesno question has fixed options (yes, no, not sure)")
            options = tuple(
                Option(v, Text(MappingProxyType({a: label for a in self.audience_ids})))
                for v, label in zip(YESNO_VALUES, ("Yes", "No", "Not sure"), strict=True)
            )
        else:
            options = self.build_options(entry.get("options"), f"{where}.options", audiences)
            if "none" in entry:
                if kind != "multi":
                    self.problem(f"{where}.none", "only a multi question has a 'none' option")
                none = self.build_option(entry["none"], f"{where}.none", audiences)
                if none.value in {o.value for o in options}:
                    self.problem(f"{where}.none", f"value '{none.value}' is already an option")
            if len(options) < 2:
                self.problem(f"{where}.options", "expected at least two options")
        summary, summary_label = self.summary_flag(entry.get("summary", False), f"{where}.summary")
        return Question(
            id=question_id,
            type=kind,
            text=self.text(entry.get("text"), f"{where}.text", audiences),
            hint=self.text(entry.get("hint"), f"{where}.hint", audiences, required=False),
            audiences=audiences,
            when=when,
            options=options,
            none=none,
            section=section_id,
            summary=summary,
            summary_label=summary_label,
        )

    def summary_flag(self, value: Any, where: str) -> tuple[bool, str]:
        if isinstance(value, bool):
            return value, ""
        if isinstance(value, str) and value.strip():
            return True, value.strip()
        self.problem(where, f"expected true, false or a short label, got {_kind(value)}")
        return False, ""

    def build_options(self, raw: Any, where: str, audiences: frozenset[str]) -> tuple[Option, ...]:
        options = []
        values: set[str] = set()
        for i, item in enumerate(self.items(raw, where)):
            option = self.build_option(item, f"{where}[{i}]", audiences)
            if option.value in values:
                self.problem(f"{where}[{i}].value", f"duplicate value '{option.value}'")
            values.add(option.value)
            options.append(option)
        return tuple(options)

    def build_option(self, raw: Any, where: str, audiences: frozenset[str]) -> Option:
        entry = self.mapping(raw, where)
        self.known_keys(entry, {"value", "label"}, where)
        value = entry.get("value")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(f"{where}.value", f"invalid value {value!r} (use lower_snake_case)")
            value = str(value)
        return Option(value, self.text(entry.get("label"), f"{where}.label", audiences))

    def build_areas(self, raw: Any) -> tuple[Area, ...]:
        result = []
        seen: set[str] = set()
        for i, item in enumerate(self.items(raw, "areas")):
            where = f"areas[{i}]"
            entry = self.mapping(item, where)
            self.known_keys(entry, {"id", "name", "when", "note", "note_when"}, where)
            result.append(Area(
                id=self.identifier(entry.get("id"), f"{where}.id", seen),
                name=self.string(entry.get("name"), f"{where}.name"),
                when=self.condition(entry.get("when"), f"{where}.when"),
                note=self.string(entry.get("note"), f"{where}.note", required=False),
                note_when=(
                    self.condition(entry["note_when"], f"{where}.note_when")
                    if "note_when" in entry else None
                ),
            ))
            if "note_when" in entry and "note" not in entry:
                self.problem(f"{where}.note_when", "a note_when needs a note")
        return tuple(result)

    def build_findings(
        self, raw: Any, learn: dict[str, LearnPage], resources: dict[str, Resource]
    ) -> tuple[Finding, ...]:
        result = []
        seen: set[str] = set()
        for i, item in enumerate(self.items(raw, "findings")):
            where = f"findings[{i}]"
            entry = self.mapping(item, where)
            self.known_keys(
                entry,
                {"id", "level", "when", "audiences", "title", "explanation", "steps", "learn",
                 "resources", "sources", "parts", "ends", "interrupt", "call_hint", "more",
                 "aftercare"},
                where,
            )
            finding_id = self.identifier(entry.get("id"), f"{where}.id", seen)
            level = entry.get("level")
            if level not in LEVELS:
                self.problem(f"{where}.level", f"unknown level {level!r} (known: {', '.join(LEVELS)})")
                level = "info"
            audiences = self.audiences_of(entry.get("audiences"), f"{where}.audiences")
            learn_id = entry.get("learn")
            if learn_id is not None and learn_id not in learn:
                self.problem(f"{where}.learn", f"unknown learn page {learn_id!r}")
            ends = entry.get("ends", False)
            if not isinstance(ends, bool):
                self.problem(f"{where}.ends", f"expected true or false, got {_kind(ends)}")
                ends = False
            elif ends and level != "info":
                self.problem(f"{where}.ends", "only an info finding can end the questions")
            result.append(Finding(
                id=finding_id,
                level=level,
                when=self.condition(entry.get("when"), f"{where}.when"),
                audiences=audiences,
                title=self.text(entry.get("title"), f"{where}.title", audiences),
                explanation=self.text(entry.get("explanation"), f"{where}.explanation", audiences),
                steps=self.text_list(entry.get("steps"), f"{where}.steps", audiences),
                learn=learn_id,
                resources=tuple(
                    self.resource_ref(r, f"{where}.resources[{j}]", resources)
                    for j, r in enumerate(self.items(entry.get("resources"), f"{where}.resources",
                                                     required=False))
                ),
                sources=self.sources(entry.get("sources"), f"{where}.sources"),
                parts=tuple(
                    self.build_part(p, f"{where}.parts[{j}]", audiences)
                    for j, p in enumerate(self.items(entry.get("parts"), f"{where}.parts",
                                                     required=False))
                ),
                ends=ends,
                interrupt=self.interrupt_flag(entry, level, where),
                call_hint=self.text(entry.get("call_hint"), f"{where}.call_hint", audiences,
                                    required=False),
                more=tuple(
                    self.build_block(b, f"{where}.more[{j}]")
                    for j, b in enumerate(self.items(entry.get("more"), f"{where}.more",
                                                     required=False))
                ),
                aftercare=self.build_aftercare(entry, level, audiences, where),
            ))
        return tuple(result)

    def interrupt_flag(self, entry: dict[str, Any], level: Any, where: str) -> bool:
        value = entry.get("interrupt", False)
        if not isinstance(value, bool):
            self.problem(f"{where}.interrupt", f"expected true or false, got {_kind(value)}")
            return False
        if value and level == "emergency":
            self.problem(f"{where}.interrupt", "an emergency always interrupts; leave this out")
        return bool(value)

    def build_aftercare(
        self, entry: dict[str, Any], level: Any, audiences: frozenset[str], where: str
    ) -> Aftercare | None:
        if "aftercare" not in entry:
            return None
        place = f"{where}.aftercare"
        if not (level == "emergency" or entry.get("interrupt") is True):
            self.problem(place, "only a finding that interrupts the questions has after-care")
        raw = self.mapping(entry["aftercare"], place)
        self.known_keys(raw, {"title", "text", "steps"}, place)
        return Aftercare(
            title=self.text(raw.get("title"), f"{place}.title", audiences),
            text=self.text(raw.get("text"), f"{place}.text", audiences),
            steps=self.text_list(raw.get("steps"), f"{place}.steps", audiences),
        )

    def build_part(self, raw: Any, where: str, audiences: frozenset[str]) -> Part:
        entry = self.mapping(raw, where)
        self.known_keys(entry, {"when", "explanation", "steps"}, where)
        if "explanation" not in entry and "steps" not in entry:
            self.problem(where, "a part needs an explanation, steps or both")
        return Part(
            when=self.condition(entry.get("when"), f"{where}.when"),
            explanation=self.text(entry.get("explanation"), f"{where}.explanation", audiences,
                                  required=False),
            steps=(self.text_list(entry["steps"], f"{where}.steps", audiences)
                   if "steps" in entry else TextList(MappingProxyType({}))),
        )

    def resource_ref(self, value: Any, where: str, resources: dict[str, Resource]) -> str:
        if value not in resources:
            self.problem(where, f"unknown resource {value!r}")
        return str(value)

    def build_learn(self, raw: Any) -> dict[str, LearnPage]:
        result: dict[str, LearnPage] = {}
        seen: set[str] = set()
        for i, item in enumerate(self.items(raw, "learn")):
            where = f"learn[{i}]"
            entry = self.mapping(item, where)
            self.known_keys(entry, {"id", "title", "summary", "body", "sources"}, where)
            page_id = self.identifier(entry.get("id"), f"{where}.id", seen)
            result[page_id] = LearnPage(
                id=page_id,
                title=self.string(entry.get("title"), f"{where}.title"),
                summary=self.string(entry.get("summary"), f"{where}.summary"),
                body=tuple(
                    self.build_block(b, f"{where}.body[{j}]")
                    for j, b in enumerate(self.items(entry.get("body"), f"{where}.body"))
                ),
                sources=self.sources(entry.get("sources"), f"{where}.sources"),
            )
        return result

    def build_block(self, raw: Any, where: str) -> Block:
        if isinstance(raw, str):
            return Block("paragraph", self.string(raw, where))
        entry = self.mapping(raw, where)
        if set(entry) == {"heading"}:
            return Block("heading", self.string(entry["heading"], f"{where}.heading"))
        if set(entry) == {"list"}:
            return Block("list", items=tuple(
                self.string(x, f"{where}.list[{k}]")
                for k, x in enumerate(self.items(entry["list"], f"{where}.list"))
            ))
        self.problem(where, "expected a paragraph, {heading: ...} or {list: [...]}")
        return Block("paragraph")

    def build_resources(self, raw: Any) -> dict[str, Resource]:
        result: dict[str, Resource] = {}
        seen: set[str] = set()
        optional = ("phone", "tty", "text", "sms", "access", "url", "hours", "languages", "cost")
        for i, item in enumerate(self.items(raw, "resources")):
            where = f"resources[{i}]"
            entry = self.mapping(item, where)
            self.known_keys(
                entry, {"id", "name", "what_happens", "region", "sources", *optional}, where
            )
            resource_id = self.identifier(entry.get("id"), f"{where}.id", seen)
            fields = {k: self.string(entry.get(k), f"{where}.{k}", required=False) for k in optional}
            if not (fields["phone"] or fields["url"] or fields["text"] or fields["sms"]):
                self.problem(where, "a resource needs a phone, text, sms or url")
            if fields["sms"] and not re.fullmatch(r"[0-9][0-9-]*", fields["sms"]):
                self.problem(f"{where}.sms", f"expected a number to text, like 988, got {fields['sms']!r}")
            region = entry.get("region", "US")
            if region not in REGIONS:
                self.problem(f"{where}.region", f"unknown region {region!r} (known: {', '.join(REGIONS)})")
            result[resource_id] = Resource(
                id=resource_id,
                name=self.string(entry.get("name"), f"{where}.name"),
                what_happens=self.string(entry.get("what_happens"), f"{where}.what_happens"),
                region=str(region),
                sources=self.sources(entry.get("sources"), f"{where}.sources"),
                **fields,
            )
        return result


_Parser = Callable[[_Builder, dict[str, Any], str], Condition]

_OPERATORS: Mapping[str, _Parser] = MappingProxyType({
    "answered": _Builder._parse_answered,
    "any": _Builder._parse_any,
    "all": _Builder._parse_all,
    "not": _Builder._parse_not,
    "given": _Builder._parse_given,
    "at_least": _Builder._parse_at_least,
})
_ALL_OPERATORS = (*_OPERATORS, "answer+is", "answer+in")


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _fingerprint(version: int, sections: tuple[Section, ...]) -> str:
    """Hash what saved answers depend on: ids, types and option values, not wording."""
    shape = [
        [version],
        [[q.id, q.type, sorted(q.values)] for s in sections for q in s.questions],
    ]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:10]
