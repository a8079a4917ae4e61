"""The bank in other languages, without a second copy of questions.yaml.

Every user-facing string of the bank is found by one walk over the parsed YAML. The walk gives
each string a context made of the ids on its way ("sections.safety.questions.took_too_much.text
.self"), so the same English word can be translated differently by place. Babel's extractor
(`extract`, named in babel.cfg) writes them to the `bank` catalog; at start-up `translate` puts
a catalog's strings in place of the English ones and the result is built like the English bank.
Ids, option values, conditions, addresses, phone numbers and source titles are never touched.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from babel import support

from .model import Bank, BankError
from .reader import parse, read, read_yaml

# Keys whose strings (and everything under them) people read.
TEXT_KEYS = frozenset(
    {
        "access",
        "ask",
        "body",
        "call_hint",
        "call_note",
        "cost",
        "explanation",
        "heading",
        "hint",
        "hours",
        "intro",
        "label",
        "languages",
        "link_text",
        "list",
        "more",
        "name",
        "note",
        "sms_note",
        "steps",
        "summary",
        "text",
        "title",
        "what_happens",
    }
)
# Keys never translated: conditions, and sources, cited by their own (often English) titles.
SKIP_KEYS = frozenset({"when", "given", "note_when", "sources"})
# The fixed options of a yes/no question are words of the bank too, in one place.
YESNO_LABELS = (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))
YESNO_CONTEXT = "yesno"

Translate = Callable[[str, str], str]  # (context, English) -> translated


def _step(item: Any, index: int) -> str:
    """A list item's name on the way: its id or option value when it has one, else its place."""
    if isinstance(item, dict):
        for key in ("id", "value"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return str(index)


def translate(data: Any, lookup: Translate, path: tuple[str, ...] = (), in_text: bool = False) -> Any:
    """A copy of the parsed bank with every user-facing string passed through lookup(context, message)."""
    if isinstance(data, str):
        return lookup(".".join(path), data) if in_text and data.strip() else data
    if isinstance(data, dict):
        return {
            key: value
            if key in SKIP_KEYS
            else translate(value, lookup, (*path, str(key)), in_text or key in TEXT_KEYS)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [translate(item, lookup, (*path, _step(item, i)), in_text) for i, item in enumerate(data)]
    return data


def strings(data: Any) -> list[tuple[str, str]]:
    """(context, English) for every user-facing string, in file order: the walk of `translate`."""
    found: list[tuple[str, str]] = []

    def note(context: str, message: str) -> str:
        found.append((context, message))
        return message

    translate(data, note)
    return found


def extract(
    fileobj: IO[bytes],
    keywords: Any,  # noqa: ARG001 - Babel's interface; no keyword or comment applies to YAML
    comment_tags: Any,  # noqa: ARG001
    options: Any,  # noqa: ARG001
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extraction method for questions.yaml: one pgettext message per string."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()

    def line_of(message: str) -> int:
        first = message.splitlines()[0][:40]
        return next((n for n, line in enumerate(lines, 1) if first in line), 1)

    for context, message in strings(read_yaml(text)):
        yield line_of(message), "pgettext", (context, message), []
    for value, label in YESNO_LABELS:
        yield 1, "pgettext", (f"{YESNO_CONTEXT}.{value}", label), []


class _Misses(gettext.NullTranslations):
    """The last fallback of a catalog: keeps the English and notes what had no translation."""

    def __init__(self) -> None:
        super().__init__()
        self.contexts: list[str] = []

    def pgettext(self, context: str, message: str) -> str:
        self.contexts.append(context)
        return message


def localized(
    raw: Any, english: Bank, directory: Path, language: str, region: str = "US"
) -> tuple[Bank, list[str]]:
    """Build the bank in one language from its `bank` catalog; also say what is not translated.

    A string with no translation (new, changed, or missing in the catalog) stays English and is
    named in the list, which `flask bank check` and the tests treat as a failure. A catalog
    that cannot be found or that breaks the bank raises BankError.
    """
    catalog = support.Translations.load(str(directory), [language], domain="bank")
    if not isinstance(catalog, support.Translations):
        raise BankError([f"no bank catalog for '{language}' in {directory} (compile the .po files)"])
    misses = _Misses()
    catalog.add_fallback(misses)

    def words(context: str, message: str) -> str:
        return str(catalog.pgettext(context, message))

    data = translate(raw, words)
    yes, no, unsure = (words(f"{YESNO_CONTEXT}.{value}", label) for value, label in YESNO_LABELS)
    bank = parse(data, (yes, no, unsure), language, region)
    if bank.structure() != english.structure():
        raise BankError([f"[{language}] the translated bank differs from the English one in its structure"])
    return bank, [f"[{language}] no translation for {context}" for context in misses.contexts]


def load_languages(
    path: str | Path | None, directory: Path, languages: tuple[str, ...], region: str = "US"
) -> tuple[dict[str, Bank], list[str]]:
    """The bank in each language (the first is questions.yaml's own), and every problem.

    A language whose bank cannot be built is left out and its problems listed, so the app
    still starts in the others; English problems raise BankError as before.
    """
    raw = read(path)
    english = parse(raw, region=region)
    banks, problems = {languages[0]: english}, []
    for language in languages[1:]:
        try:
            banks[language], missing = localized(raw, english, directory, language, region)
        except BankError as error:
            problems += [f"[{language}] {p}" if not p.startswith("[") else p for p in error.problems]
            continue
        problems += missing
    return banks, problems
