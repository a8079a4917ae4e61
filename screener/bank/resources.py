"""The bank's helplines: read and checked, each in the bank's language."""

from __future__ import annotations

import re
from typing import Any

from .actions import Actions
from .model import REGIONS, Resource

# What a resource's `in_language` can say for one language (see docs/bank-format.md).
LANGUAGE_WAYS = ("call_note", "sms_body", "sms_note", "url")


class Resources(Actions):
    """Build `resources:`; a line's way in for the bank's language comes from its `in_language`."""

    def build_resources(self, raw: Any) -> dict[str, Resource]:
        result: dict[str, Resource] = {}
        seen: set[str] = set()
        optional = ("phone", "tty", "text", "sms", "access", "url", "hours", "languages", "cost")
        for i, item in enumerate(self.items(raw, "resources")):
            where = f"resources[{i}]"
            entry = self.mapping(item, where)
            known = {"id", "name", "what_happens", "region", "sources", "in_language", *optional}
            self.known_keys(entry, known, where)
            resource_id = self.identifier(entry.get("id"), f"{where}.id", seen)
            fields = {k: self.string(entry.get(k), f"{where}.{k}", required=False) for k in optional}
            if not (fields["phone"] or fields["url"] or fields["text"] or fields["sms"]):
                self.problem(where, "a resource needs a phone, text, sms or url")
            if fields["sms"] and not re.fullmatch(r"[0-9][0-9-]*", fields["sms"]):
                self.problem(f"{where}.sms", f"expected a number to text, like 988, got {fields['sms']!r}")
            here = self.in_language(entry.get("in_language"), f"{where}.in_language").get(self.language, {})
            region = entry.get("region", "US")
            if region not in REGIONS:
                self.problem(f"{where}.region", f"unknown region {region!r} (known: {', '.join(REGIONS)})")
            result[resource_id] = Resource(
                id=resource_id,
                name=self.string(entry.get("name"), f"{where}.name"),
                what_happens=self.string(entry.get("what_happens"), f"{where}.what_happens"),
                region=str(region),
                sources=self.sources(entry.get("sources"), f"{where}.sources"),
                **{**fields, **here},
            )
        return result

    def in_language(self, raw: Any, where: str) -> dict[str, dict[str, str]]:
        """A resource's `in_language`: by language code, how to reach the line in that language."""
        result: dict[str, dict[str, str]] = {}
        if raw is None:
            return result
        for language, ways in self.mapping(raw, where).items():
            place = f"{where}.{language}"
            if not (isinstance(language, str) and re.fullmatch(r"[a-z]{2}", language)):
                self.problem(place, f"expected a two-letter language code, like es, got {language!r}")
                continue
            entry = self.mapping(ways, place)
            self.known_keys(entry, set(LANGUAGE_WAYS), place)
            found = {k: self.string(entry[k], f"{place}.{k}") for k in LANGUAGE_WAYS if k in entry}
            result[language] = found
            if not re.fullmatch(r"[A-Za-z0-9]*", found.get("sms_body", "")):
                word = found["sms_body"]
                self.problem(f"{place}.sms_body", f"expected one word to text, like AYUDA, got {word!r}")
            if not found.get("url", "https://").startswith("https://"):
                self.problem(f"{place}.url", f"expected an https:// address, got {found['url']!r}")
        return result
