"""The bank's named facts and each finding's actions: read and checked, every problem located."""

from __future__ import annotations

from typing import Any

from .checks import Checks
from .model import ActionRef, Fact


def fact_ids(raw: Any) -> set[Any]:
    """Every fact id in the file, so a reference to a later fact is named as such."""
    return {f.get("id") for f in (raw if isinstance(raw, list) else []) if isinstance(f, dict)}


class FactsAndActions(Checks):
    """Build `facts:` (in order, so they never go round in a circle) and findings' `actions:`."""

    def build_facts(self, raw: Any) -> dict[str, Fact]:
        """Build the named facts in order: each may use the questions and the facts above it."""
        seen: set[str] = set()
        for i, item in enumerate(self.items(raw, "facts", required=False)):
            where = f"facts[{i}]"
            entry = self.mapping(item, where)
            self.known_keys(entry, {"id", "when", "meaning"}, where)
            fact_id = self.identifier(entry.get("id"), f"{where}.id", seen)
            when = self.condition(entry.get("when"), f"{where}.when")
            meaning = self.string(entry.get("meaning"), f"{where}.meaning")
            self.facts[fact_id] = Fact(fact_id, when, meaning)
        return dict(self.facts)

    def build_actions(self, raw: Any, where: str) -> tuple[ActionRef, ...]:
        """Read a finding's actions: a key, or {do: KEY, when: CONDITION, unless: CONDITION}."""
        result = []
        for j, item in enumerate(self.items(raw, where, required=False)):
            place = f"{where}[{j}]"
            entry = {"do": item} if isinstance(item, str) else self.mapping(item, place)
            self.known_keys(entry, {"do", "when", "unless"}, place)
            key = entry.get("do")
            when, unless = (
                self.condition(entry[name], f"{place}.{name}") if name in entry else None
                for name in ("when", "unless")
            )
            if key in self.action_ids:
                result.append(ActionRef(str(key), when, unless))
            else:
                known = ", ".join(sorted(self.action_ids))
                self.problem(f"{place}.do", f"unknown action {key!r} (known: {known})")
        return tuple(result)

    def check_facts_used(self, facts: dict[str, Fact]) -> None:
        """Name each fact that no rule uses (a fact used only by an unused one counts as used)."""
        for i, fact_id in enumerate(facts):
            if fact_id not in self.used_facts:
                self.problem(f"facts[{i}].id", f"fact '{fact_id}' is used by no rule")
