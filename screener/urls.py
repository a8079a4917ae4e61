"""Addresses that give nothing away: a section, emergency or learn page is a number in a URL."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

from .bank import Bank


def numbered(ids: Sequence[str]) -> type[BaseConverter]:
    """Return a URL converter that writes each id as its place in `ids` (1, 2, 3…).

    Browser history, the address bar and a shoulder-surfer see "/now/2", never the name of
    what was answered. The converter reads the number back to the id; an address typed
    with the id itself still works, but the app never writes one.
    """
    numbers = {id_: str(place) for place, id_ in enumerate(ids, 1)}
    names = {number: id_ for id_, number in numbers.items()}

    class Numbered(BaseConverter):
        regex = r"[0-9a-z_]{1,64}"

        def to_python(self, value: str) -> str:
            if value in numbers:
                return value
            if value not in names:
                raise ValidationError()
            return names[value]

        def to_url(self, value: str) -> str:
            return numbers[value]

    return Numbered


def install(app: Flask, bank: Bank) -> None:
    """Register the converters the routes use, and `anchor()` for ids in pages."""
    anchors = {id_: f"q{place}" for place, id_ in enumerate(bank.questions, 1)}
    # Fields' ids end up in the address bar as #fragments (error summary, "Change" links).
    app.jinja_env.globals["anchor"] = lambda question_id: anchors.get(question_id, question_id)
    app.url_map.converters["section"] = numbered([s.id for s in bank.sections])
    app.url_map.converters["finding"] = numbered([f.id for f in bank.findings])
    app.url_map.converters["learn"] = numbered(list(bank.learn))
