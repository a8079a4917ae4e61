"""Words that hold in some deployment regions only: a text written per region.

Anywhere the bank has words (a string, an audience's words, an item of a list), it may give
them per region instead: `{US: ..., CA: ..., UK: ...}`. The bank for a region is built from
that region's words alone: an item of a list with none for the region is left out there, and
a single text with none is missing (the builder names it, so `flask bank check` finds it for
every region). Nothing else changes: one questions.yaml, one catalog (each region's words are
translated under their own context, `...steps.self.2.UK`).
"""

from __future__ import annotations

from typing import Any

from .model import REGIONS


def is_regional(value: Any) -> bool:
    """Tell whether a value is words given per region (every key a region code)."""
    return isinstance(value, dict) and bool(value) and all(key in REGIONS for key in value)


_NONE = object()  # no words for this region


def _pick(value: Any, region: str) -> Any:
    if is_regional(value):
        return value.get(region, _NONE)
    if isinstance(value, dict):
        picked = {key: _pick(item, region) for key, item in value.items()}
        return {key: item for key, item in picked.items() if item is not _NONE}
    if isinstance(value, list):
        return [item for item in (_pick(item, region) for item in value) if item is not _NONE]
    return value


def for_region(data: Any, region: str) -> Any:
    """A copy of the parsed bank with only `region`'s words where words are given per region."""
    picked = _pick(data, region)
    return None if picked is _NONE else picked
