"""Templates compiled once per language, with their fixed words already translated (issue 26).

A page's `_("Some fixed words")` gives the same text to everyone who reads that language, yet
it cost a catalog lookup on every request (a results page makes some 150). Each language gets
its own Jinja environment (an overlay of the app's: same loader, globals and filters, its own
compiled templates), whose `Pretranslate` extension replaces such a call by its translation
when the template is compiled, marked safe as the call's result was. A call with variables
(`_("%(n)s questions", n=n)`), `ngettext`, or any argument that is not one plain string
literal still goes through the catalog on each request. A request renders with the
environment of its language (i18n.current()); outside a request, the app's own environment
renders with the catalog lookups, as before.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from flask import Flask, has_request_context
from flask.sansio.app import App
from flask.templating import Environment as FlaskEnvironment
from jinja2 import Template
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.utils import internalcode
from markupsafe import Markup

from . import i18n

# Names templates call for a translation of one string (i18n.install_template_gettext).
GETTEXT = frozenset({"_", "gettext"})
# Jinja's default; each language's environment keeps its own compiled templates.
CACHE_SIZE = 400


class Pretranslate(Extension):
    """Replace `_("words")` (one string literal, nothing else) by its translation at compile time.

    The environment's `language` and `catalog` say which translation. `current_language()`,
    which macros imported without context call, becomes the language's code the same way.
    """

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        """Yield the template's tokens with each fixed translation call made a constant."""
        environment: Any = self.environment
        catalog, language = environment.catalog, environment.language
        escape = (
            environment.autoescape(stream.name)
            if callable(environment.autoescape)
            else bool(environment.autoescape)
        )
        # Look four tokens ahead: name "(" string ")", and never an attribute (x._("...")).
        window: list[Token] = []
        previous: Token | None = None
        for token in stream:
            window.append(token)
            if len(window) < 4:
                continue
            made = self.constant(window, previous, catalog, language, escape)
            if made is not None:
                yield from made
                previous = window[-1]
                window.clear()
                continue
            previous = window.pop(0)
            yield previous
        yield from window

    @staticmethod
    def constant(
        window: list[Token], previous: Token | None, catalog: Any, language: str, escape: bool
    ) -> list[Token] | None:
        """The tokens that stand for the call the window starts with, or None to leave it."""
        name, opening = window[0], window[1]
        if name.type != "name" or opening.type != "lparen" or (previous and previous.type == "dot"):
            return None
        line = name.lineno
        if name.value == "current_language" and window[2].type == "rparen":
            # The window's last token was not part of the call: give it back.
            return [Token(line, "string", language), window[3]]
        if name.value not in GETTEXT or window[2].type != "string" or window[3].type != "rparen":
            return None
        text = str(catalog.gettext(window[2].value))
        if "%" in text:
            try:
                text = text % {}  # what the runtime gettext does ("%%" -> "%")
            except (KeyError, TypeError, ValueError):
                return None  # it names a variable: leave it to the runtime, which says so
        if not escape:
            return [Token(line, "string", text)]
        # ("text"|safe): the runtime's gettext returns Markup in an autoescaped template.
        return [
            Token(line, "lparen", "("),
            Token(line, "string", str(Markup(text))),
            Token(line, "pipe", "|"),
            Token(line, "name", "safe"),
            Token(line, "rparen", ")"),
        ]


class Environment(FlaskEnvironment):
    """The app's Jinja environment: a request's templates come from its language's overlay."""

    language: str | None = None
    catalog: Any = None

    def __init__(self, app: App, **options: Any) -> None:
        super().__init__(app, **options)
        self.languages: MutableMapping[str, Environment] = {}

    def for_language(self, language: str) -> Environment:
        """The environment whose templates have `language`'s fixed words compiled in."""
        made = self.languages.get(language)
        if made is None:
            catalogs: dict[str, Any] = self.app.extensions["catalogs"]
            made = self.overlay(extensions=[Pretranslate], cache_size=CACHE_SIZE)
            made.language, made.catalog = language, catalogs[language]
            made.languages = {}
            made = self.languages.setdefault(language, made)
        return made

    @internalcode
    def _load_template(self, name: str, globals: MutableMapping[str, Any] | None) -> Template:
        # Only the app's own environment dispatches, and only in a request of a language with
        # a catalog (an overlay's templates, their imports included, stay in the overlay).
        if self.language is None and has_request_context():
            language = i18n.current()
            if language in self.app.extensions.get("catalogs", ()):
                return self.for_language(language)._load_template(name, globals)
        return super()._load_template(name, globals)


def warm_up(app: Flask) -> None:
    """Compile every template in every language (before gunicorn forks its workers)."""
    environment = app.jinja_env
    assert isinstance(environment, Environment)
    for language in app.extensions["catalogs"]:
        translated = environment.for_language(language)
        for name in app.jinja_env.list_templates():
            translated.get_template(name)
