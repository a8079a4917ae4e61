"""How fresh the bank's sources are: warnings for `flask bank check`, and a page's review date.

Each source carries the month someone last checked it against the page it cites
(`checked: 2026-12`). Addresses move and guidance is superseded, so a check more than
`MAX_AGE_MONTHS` months old is worth a warning: not an error, the app still starts, but the
drift shows. A page shows the *oldest* of its sources' months as "Content last reviewed": what
a reader sees there is only as fresh as the least recently checked source behind it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from .model import Bank, Source

# A source last checked more than this many months before today is reported as old.
MAX_AGE_MONTHS = 18


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from one date's month to another's (negative when later is earlier)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def cited(bank: Bank) -> Iterator[tuple[str, Source]]:
    """Every source of the bank with the place that cites it, in file order."""
    for finding in bank.findings:
        for i, source in enumerate(finding.sources):
            yield f"findings.{finding.id}.sources[{i}]", source
    for page in bank.learn.values():
        for i, source in enumerate(page.sources):
            yield f"learn.{page.id}.sources[{i}]", source
    for resource in bank.resources.values():
        for i, source in enumerate(resource.sources):
            yield f"resources.{resource.id}.sources[{i}]", source


def warnings(bank: Bank, today: date, max_age: int = MAX_AGE_MONTHS) -> list[str]:
    """Say which sources have no checked month, an old one, or one still to come."""
    found = []
    for where, source in cited(bank):
        if source.checked is None:
            found.append(f"{where}: {source.url} has no 'checked' month; check it and add one")
            continue
        age = months_between(source.checked, today)
        month = f"{source.checked:%Y-%m}"
        if age > max_age:
            found.append(
                f"{where}: {source.url} was last checked in {month}, {age} months ago "
                f"(more than {max_age}); check it again and update 'checked'"
            )
        elif age < 0:
            found.append(f"{where}: {source.url} says it was checked in {month}, which is still to come")
    return found


def last_reviewed(sources: Iterable[Source]) -> date | None:
    """The month a page's content was last reviewed: the oldest checked month of its sources."""
    months = [source.checked for source in sources if source.checked is not None]
    return min(months) if months else None


def sources_of(shown: Any) -> Iterator[Source]:
    """Every Source in a Source, a thing with sources (a finding, learn page or helpline), or
    any nesting of lists of these: what a page shows, for last_reviewed."""
    if isinstance(shown, Source):
        yield shown
    elif hasattr(shown, "sources"):
        yield from shown.sources
    elif isinstance(shown, Iterable) and not isinstance(shown, str):
        for item in shown:
            yield from sources_of(item)
