"""Parts of pages that depend on no one's answers, rendered once per language (issue 26).

A helpline's card (its name, how to reach it, what happens, hours, languages and cost) reads the
same on every page that shows it, for everyone in the deployment's region, and so does the link to
a page's source number N, the page's frame (the Exit bar, the emergency strip, the footer's
links) and the "Listen" control: the first page to show one in a language renders it, and every
later page puts that copy in place. Only the bank's own objects, the region, the site's root
address and the words the templates themselves pass are keys; nothing a person answered is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, request
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from . import i18n, regions
from .bank import Resource

EMERGENCY_IN_TEXT = re.compile(r"\b911\b")


@pass_context
def here(context: Context, text: str) -> str:
    """Say the deployment region's emergency number where the bank's words say 911."""
    # A results page says it some 70 times: the page's own line, else (in a macro imported
    # without the page's context) the region's, looked up.
    line = context.get("emergency_line")
    if line is None:
        line = i18n.bank().resources[regions.REGIONS[current_app.config["REGION"]].emergency]
    phone = line.phone
    return text if phone == "911" else EMERGENCY_IN_TEXT.sub(phone, text)


def install(app: Flask) -> None:
    """Give templates `card_head` (the answer-free part of `resource_card` in macros.html),
    `source_links`, `emergency_strip`, `frame`, `listen` and the `here` filter."""

    def once(store: dict[Any, Markup], key: Any, template: str, make: Callable[[Any], str]) -> Markup:
        """The copy kept under `key`, else `make` given the template's module, rendered and kept."""
        html = store.get(key)
        if html is None:
            html = store[key] = Markup(make(app.jinja_env.get_template(template).module))
        return html

    # (language, the resource object's identity, heading level, short address) -> the resource
    # (kept, so its identity is never reused) and its rendered card
    cards: dict[tuple[str, int, int, bool], tuple[Resource, Markup]] = {}

    def card_head(resource: Resource, heading_level: Any = 3, short_url: Any = False) -> Markup:
        key = (i18n.current(), id(resource), int(heading_level), bool(short_url))
        kept = cards.get(key)
        if kept is None:
            macros = app.jinja_env.get_template("macros.html").module
            html = Markup(macros.resource_card_head(resource, heading_level, short_url))  # type: ignore[attr-defined]
            kept = cards[key] = (resource, html)
        return kept[1]

    # (language, number) -> the link to the page's source with that number
    links: dict[tuple[str, int], Markup] = {}

    def source_links(numbers: Iterable[int]) -> Markup:
        """The links to a page's numbered sources, one space between each."""
        language = i18n.current()

        def link(number: int) -> Markup:
            return once(links, (language, number), "macros.html", lambda m: m.source_link(number))

        return Markup(" ").join(link(n) for n in numbers)

    # (language, region, the site's root address) -> the strip of emergency numbers
    strips: dict[tuple[str, str, str], Markup] = {}

    def emergency_strip() -> Markup:
        """The strip under the header: the emergency number, what to do in an overdose, the
        crisis line (templates/_frame.html)."""
        region = regions.REGIONS[app.config["REGION"]]

        def make(frame: Any) -> str:
            resources = i18n.bank().resources
            return str(frame.emergency_strip(region, resources[region.emergency], resources[region.crisis]))

        return once(strips, (i18n.current(), region.code, request.script_root), "_frame.html", make)

    # (language, the site's root address, the macro's name) -> the part of the page frame
    parts: dict[tuple[str, str, str], Markup] = {}

    def frame(name: str) -> Markup:
        """A part of every page that takes nothing from the request but its language (a macro
        of templates/_frame.html without arguments: the stylesheet and script links, the Exit
        bar, the footer's links)."""
        key = (i18n.current(), request.script_root, name)
        return once(parts, key, "_frame.html", lambda module: getattr(module, name)())

    # (language, region, root address, and the template's own arguments) -> the control
    controls: dict[tuple[Any, ...], Markup] = {}

    def listen(read: str, follow: str | None = None, row: bool = False, waiting: str | None = None) -> Markup:
        """The "Listen" control (templates/_listen.html); every argument is a template's own
        literal words, so there are a handful of keys."""
        region = regions.REGIONS[app.config["REGION"]]
        language = i18n.current()
        key = (language, region.code, request.script_root, read, follow, row, waiting)
        return once(
            controls,
            key,
            "_listen.html",
            lambda module: module.listen(read, follow, row, waiting, i18n.bank(), region, language),
        )

    app.jinja_env.globals.update(
        card_head=card_head,
        source_links=source_links,
        emergency_strip=emergency_strip,
        frame=frame,
        listen=listen,
    )
    app.jinja_env.filters["here"] = here
