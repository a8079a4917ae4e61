"""Build the frozen bank from raw YAML data, naming every problem by its place."""

from __future__ import annotations

import hashlib
import json
from types import MappingProxyType
from typing import Any

from .checks import kind_of
from .facts import fact_ids
from .model import (
    AUDIENCES,
    ID_PATTERN,
    LEVELS,
    QUESTION_TYPES,
    YESNO_VALUES,
    Aftercare,
    Area,
    Audience,
    Bank,
    BankError,
    Block,
    Condition,
    Finding,
    LearnPage,
    Option,
    Part,
    Question,
    Resource,
    Section,
    Text,
    TextList,
)
from .resources import Resources


class Builder(Resources):
    """Walk the raw data once, collect every problem, and build the frozen objects."""

    # the parts -----------------------------------------------------------------------

    def build(self) -> Bank:
        root = self.mapping(self.data, "(top level)")
        self.known_keys(
            root,
            {
                "version",
                "audiences",
                "areas",
                "sections",
                "facts",
                "findings",
                "learn",
                "resources",
                "default_resources",
                "actions",
            },
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
        self.all_fact_ids = fact_ids(root.get("facts"))
        sections = self.build_sections(root.get("sections"))
        facts = self.build_facts(root.get("facts"))
        learn = self.build_learn(root.get("learn"))
        actions = self.build_action_words(root.get("actions"), learn)
        resources = self.build_resources(root.get("resources"))
        areas = self.build_areas(root.get("areas"))
        findings = self.build_findings(root.get("findings"), learn, resources)
        default_resources = tuple(
            self.resource_ref(r, f"default_resources[{i}]", resources)
            for i, r in enumerate(self.items(root.get("default_resources"), "default_resources"))
        )
        self.check_facts_used(facts)
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
            facts=MappingProxyType(facts),
            actions=MappingProxyType(actions),
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
            result.append(
                Audience(
                    audience_id,
                    self.string(entry.get("label"), f"{where}.label"),
                    self.string(entry.get("hint"), f"{where}.hint", required=False),
                )
            )
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
            when = self.condition(entry["when"], f"{where}.when") if "when" in entry else None
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
            result.append(
                Section(
                    id=section_id,
                    title=self.text(entry.get("title"), f"{where}.title", shown_to),
                    intro=self.text(entry.get("intro"), f"{where}.intro", shown_to, required=False),
                    when=when,
                    questions=tuple(questions),
                )
            )
        return tuple(result)

    def build_question(self, raw: Any, where: str, section_id: str, seen: set[str]) -> Question:
        entry = self.mapping(raw, where)
        self.known_keys(
            entry,
            {"id", "type", "text", "ask", "hint", "audiences", "when", "options", "none", "summary"},
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
        when = self.condition(entry["when"], f"{where}.when") if "when" in entry else None
        options: tuple[Option, ...]
        none = None
        if kind == "yesno":
            if "options" in entry or "none" in entry:
                self.problem(where, "a yesno question has fixed options (yes, no, not sure)")
            options = tuple(
                Option(v, Text(MappingProxyType({a: label for a in self.audience_ids})))
                for v, label in zip(YESNO_VALUES, self.yesno_labels, strict=True)
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
        text = self.text(entry.get("text"), f"{where}.text", audiences)
        return Question(
            id=question_id,
            type=kind,
            text=text,
            spoken=self.spoken(entry.get("ask"), f"{where}.ask", audiences, text),
            hint=self.text(entry.get("hint"), f"{where}.hint", audiences, required=False),
            audiences=audiences,
            when=when,
            options=options,
            none=none,
            section=section_id,
            summary=summary,
            summary_label=summary_label,
        )

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
            result.append(
                Area(
                    id=self.identifier(entry.get("id"), f"{where}.id", seen),
                    name=self.string(entry.get("name"), f"{where}.name"),
                    when=self.condition(entry.get("when"), f"{where}.when"),
                    note=self.string(entry.get("note"), f"{where}.note", required=False),
                    note_when=(
                        self.condition(entry["note_when"], f"{where}.note_when")
                        if "note_when" in entry
                        else None
                    ),
                )
            )
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
                {
                    "id",
                    "level",
                    "when",
                    "audiences",
                    "title",
                    "explanation",
                    "steps",
                    "learn",
                    "resources",
                    "sources",
                    "parts",
                    "ends",
                    "interrupt",
                    "call_hint",
                    "more",
                    "aftercare",
                    "actions",
                    "lower_when",
                },
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
                self.problem(f"{where}.ends", f"expected true or false, got {kind_of(ends)}")
                ends = False
            elif ends and level != "info":
                self.problem(f"{where}.ends", "only an info finding can end the questions")
            result.append(
                Finding(
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
                        for j, r in enumerate(
                            self.items(entry.get("resources"), f"{where}.resources", required=False)
                        )
                    ),
                    sources=self.sources(entry.get("sources"), f"{where}.sources"),
                    parts=tuple(
                        self.build_part(p, f"{where}.parts[{j}]", audiences)
                        for j, p in enumerate(
                            self.items(entry.get("parts"), f"{where}.parts", required=False)
                        )
                    ),
                    ends=ends,
                    interrupt=self.interrupt_flag(entry, level, where),
                    call_hint=self.text(
                        entry.get("call_hint"), f"{where}.call_hint", audiences, required=False
                    ),
                    more=tuple(
                        self.build_block(b, f"{where}.more[{j}]")
                        for j, b in enumerate(self.items(entry.get("more"), f"{where}.more", required=False))
                    ),
                    aftercare=self.build_aftercare(entry, level, audiences, where),
                    actions=self.build_actions(entry.get("actions"), f"{where}.actions"),
                    lower_when=self.lower_when(entry, level, where),
                )
            )
        return tuple(result)

    def interrupt_flag(self, entry: dict[str, Any], level: Any, where: str) -> bool:
        value = entry.get("interrupt", False)
        if not isinstance(value, bool):
            self.problem(f"{where}.interrupt", f"expected true or false, got {kind_of(value)}")
            return False
        if value and level == "emergency":
            self.problem(f"{where}.interrupt", "an emergency always interrupts; leave this out")
        return bool(value)

    def lower_when(self, entry: dict[str, Any], level: Any, where: str) -> Condition | None:
        if "lower_when" not in entry:
            return None
        if level != "urgent":
            self.problem(f"{where}.lower_when", "only an urgent finding can be shown a level lower")
        return self.condition(entry["lower_when"], f"{where}.lower_when")

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
            explanation=self.text(
                entry.get("explanation"), f"{where}.explanation", audiences, required=False
            ),
            steps=(
                self.text_list(entry["steps"], f"{where}.steps", audiences)
                if "steps" in entry
                else TextList(MappingProxyType({}))
            ),
        )

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
            return Block(
                "list",
                items=tuple(
                    self.string(x, f"{where}.list[{k}]")
                    for k, x in enumerate(self.items(entry["list"], f"{where}.list"))
                ),
            )
        self.problem(where, "expected a paragraph, {heading: ...} or {list: [...]}")
        return Block("paragraph")


def _fingerprint(version: int, sections: tuple[Section, ...]) -> str:
    """Hash what saved answers depend on: ids, types and option values, not wording."""
    shape = [
        [version],
        [[q.id, q.type, sorted(q.values)] for s in sections for q in s.questions],
    ]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:10]
