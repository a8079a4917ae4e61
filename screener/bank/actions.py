"""What "What to do next" can say: the bank's `actions:`, each in the reader's words.

A finding names the actions it asks for (`actions:` in a finding, read in facts.py); this
section says what each one is: a title and a line per audience (an audience with no words is
never offered it; words may be given per region) and what it opens, the deployment region's
line of a role (`call:`) or a learn page (`learn:`, with `link_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .facts import FactsAndActions
from .model import LearnPage, Text

# The region's lines an action can call (each region names its own in screener/regions.py).
CALL_ROLES: tuple[str, ...] = ("crisis", "emergency", "talk", "spotter")


@dataclass(frozen=True)
class ActionWords:
    """One action of "What to do next": its words per audience, and what it opens."""

    id: str
    title: Text
    text: Text
    call: str | None = None  # a role of CALL_ROLES: the region's line to call
    learn: str | None = None  # else a learn page, opened by link_text
    link_text: str = ""


class Actions(FactsAndActions):
    """Build `actions:`, after the learn pages (an action may open one)."""

    def build_action_words(self, raw: Any, learn: dict[str, LearnPage]) -> dict[str, ActionWords]:
        result: dict[str, ActionWords] = {}
        seen: set[str] = set()
        for i, item in enumerate(self.items(raw, "actions")):
            where = f"actions[{i}]"
            entry = self.mapping(item, where)
            self.known_keys(entry, {"id", "title", "text", "call", "learn", "link_text"}, where)
            action_id = self.identifier(entry.get("id"), f"{where}.id", seen)
            title = self.text(entry.get("title"), f"{where}.title")
            text = self.text(entry.get("text"), f"{where}.text", needed=tuple(title.by_audience))
            call, page = entry.get("call"), entry.get("learn")
            if (call is None) == (page is None):
                self.problem(where, "an action either calls a line (call:) or opens a page (learn:)")
            elif call is not None and call not in CALL_ROLES:
                self.problem(f"{where}.call", f"unknown line {call!r} (known: {', '.join(CALL_ROLES)})")
            elif page is not None and page not in learn:
                self.problem(f"{where}.learn", f"unknown learn page {page!r}")
            link_text = self.string(entry.get("link_text"), f"{where}.link_text", required=page is not None)
            result[action_id] = ActionWords(
                action_id, title, text, call=call, learn=page, link_text=link_text or ""
            )
        talk = result.get("talk")
        if result and (talk is None or talk.call != "talk"):
            # What to do next always offers someone to talk to (plan.py), in every region.
            self.problem("actions", "an action 'talk' that calls the region's talk line is needed")
        self.action_ids = set(result)
        return result
