"""What is kept, and for how long, said where a person reads it: the start time on the
counselor's record, "Keep my answers" in the idle warning, the printed pages' running lines."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, render_template, session

from . import answers
from .words import _, ngettext


def in_words(minutes: int) -> str:
    """Say a number of minutes in words: "30 minutes", "1 hour", "2 hours"."""
    if minutes % 60:
        return ngettext("%(num)s minute", "%(num)s minutes", minutes)
    return ngettext("%(num)s hour", "%(num)s hours", minutes // 60)


def started(created: Any, timezone: str) -> str | None:
    """Say when the check started and how long it has taken, from the cookie's creation time."""
    if not isinstance(created, int) or isinstance(created, bool):
        return None
    zone = ZoneInfo(timezone)
    began = datetime.fromtimestamp(created, zone)
    minutes = max(1, round((time.time() - created) / 60))
    return _(
        "Started at %(time)s. Time to these results: %(duration)s.",
        time=f"{began:%H:%M}",
        duration=in_words(minutes),
    )


def css_string(text: str, **counters: str) -> str:
    """Quote words for a CSS `content`, each {name} in them a CSS counter (page, pages)."""
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
    for name, counter in counters.items():
        quoted = quoted.replace("{" + name + "}", f'" counter({counter}) "')
    return quoted


def print_css() -> Response:
    """The printed page's running lines, in the reader's language: a page number on every
    page, and on the counselor's record a line for the client on every page."""
    css = render_template(
        "print.css",
        page_of=css_string(_("Page {page} of {pages}"), page="page", pages="pages"),
        client_line=css_string(_("Client name or ID: ______________________")),
    )
    return Response(css, mimetype="text/css")


def still_here() -> Response:
    """Keep the answers: "Keep my answers" in the timeout warning restarts the idle clock."""
    if answers.has_answers(session):
        session[answers.LAST_SEEN] = int(time.time())
    return Response(status=204)


ROUTES: tuple[tuple[str, Callable[[], Response]], ...] = (
    ("/print.css", print_css),
    ("/still-here", still_here),
)
