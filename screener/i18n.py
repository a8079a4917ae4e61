"""Languages: which one a request is in, how a person switches, and the bank in each.

The first visit follows the browser's Accept-Language; "Español / English" in the header sets
the language for the rest of the visit (kept in the session, so the answers stay). The words
of the app come from the `messages` catalogs, the bank's from the `bank` catalogs
(screener/bank/i18n.py); docs/translating.md says how to add a language.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlencode

from babel import support
from flask import Flask, current_app, g, has_app_context, has_request_context, redirect, request, session
from flask_babel import Babel, get_locale
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.wrappers import Response

from . import answers, paths
from .bank import Bank

# The first is the language questions.yaml and the templates are written in.
LANGUAGES = ("en", "es")
# Each language's name in itself, for the switch.
NAMES = {"en": "English", "es": "Español"}
DIRECTORY = paths.PACKAGE / "translations"
# ?lang=xx on any page switches (the page is then shown again without it).
SWITCH = "lang"
# Endpoints that never read or write the session (static files, the FHIR definitions, the
# health check): ?lang= is not kept there, so they never set a cookie.
SESSIONLESS = frozenset(
    {"static", "screener.fhir_questionnaire", "screener.fhir_code_system", "health.healthz"}
)
# Characters of a path that stay as they are in the redirect; anything else (a newline, a
# space, a non-ASCII letter) is percent-encoded, so the Location header is always valid.
PATH_SAFE = "/:@!$&'()*+,;=-._~"
# The default SITE_NAME (screener/__init__.py); a deployment's own name is shown as it is.
SITE_NAME = "Health check"

# Outside an app (the pure modules used on their own), words stay English.
NULL = support.NullTranslations()

log = logging.getLogger(__name__)


def select() -> str:
    """The language of this request: the person's choice, else the browser's, else English."""
    offered = tuple(current_app.extensions["banks"])  # a language whose bank failed is left out
    index = session.get(answers.LANGUAGE)
    if isinstance(index, int) and 0 <= index < len(LANGUAGES) and LANGUAGES[index] in offered:
        return LANGUAGES[index]
    return request.accept_languages.best_match(offered) or LANGUAGES[0]


def current() -> str:
    """The language code of the current request ("en" outside one), worked out once."""
    if not has_request_context():
        return LANGUAGES[0]
    language: str | None = g.get("language")
    if language is None:
        language = g.language = str(get_locale() or LANGUAGES[0])
    return language


def translations() -> Any:
    """The app's catalog (`messages`) in the current language; outside an app, none (English)."""
    if not has_app_context():
        return NULL
    catalogs: dict[str, Any] = current_app.extensions["catalogs"]
    return catalogs.get(current(), catalogs[LANGUAGES[0]])


def bank() -> Bank:
    """The bank in the current request's language."""
    banks: dict[str, Bank] = current_app.extensions["banks"]
    return banks[current()]


def switch() -> Response | None:
    """Keep a language chosen with ?lang=xx and show the same page again without it."""
    if request.method != "GET" or SWITCH not in request.args or request.endpoint in SESSIONLESS:
        return None
    choice = request.args.get(SWITCH, "")
    if choice in LANGUAGES:
        session[answers.LANGUAGE] = LANGUAGES.index(choice)
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != SWITCH])
    return redirect(quote(request.path, safe=PATH_SAFE) + (f"?{query}" if query else ""), 303)


def others() -> list[dict[str, str]]:
    """The languages a person can switch to from this page, with the link to each."""
    return [
        {"code": code, "name": NAMES[code], "href": f"{request.path}?{SWITCH}={code}"}
        for code in current_app.extensions["banks"]
        if code != current()
    ]


def site_name() -> str:
    """The site's name for the header and titles: the default one in the page's language."""
    name = str(current_app.config.get("SITE_NAME") or SITE_NAME)
    return str(translations().gettext("Health check")) if name == SITE_NAME else name


def install_template_gettext(app: Flask) -> None:
    """Give templates a gettext that looks the catalog up once per call, not through Flask-Babel.

    Flask-Babel's own finds the request's translations again on every call, through three
    layers of Jinja calls; a results page makes some 200 calls, which doubled its cost. These
    do what Jinja's "newstyle" gettext does (autoescape, then always format with the keyword
    arguments) in one call, with the catalogs loaded once at start-up.
    """
    app.extensions["catalogs"] = {
        language: support.Translations.load(str(DIRECTORY), [language], domain="messages")
        for language in LANGUAGES
    }

    catalogs = app.extensions["catalogs"]

    def catalog(context: Context) -> Any:
        # The page's language, from the context processor below: no lookup in the request.
        # Macros imported without context do not see it; they look it up.
        language = context.get("language")
        return catalogs[language] if language in catalogs else translations()

    def finish(context: Context, text: str, variables: dict[str, Any]) -> str:
        text = Markup(text) if context.eval_ctx.autoescape else text
        # Formatting turns "%%" into "%" and fills %(name)s; a text with no % needs none.
        return text % variables if variables or "%" in text else text

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        return finish(context, catalog(context).gettext(message), variables)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return finish(context, catalog(context).ngettext(singular, plural, num), variables)

    # current_language: for macros imported without the page's context (they cannot see `language`).
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, current_language=current)


def install(app: Flask, problems: list[str]) -> None:
    """Set up Flask-Babel and the switch; log (without any answer) what is not translated."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", LANGUAGES[0])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(DIRECTORY)
    Babel(app, locale_selector=select)
    install_template_gettext(app)
    for problem in problems[:5]:
        log.warning("translation: %s", problem)
    if len(problems) > 5:
        log.warning("translation: %d more problems; run flask bank check", len(problems) - 5)
    app.before_request(switch)

    @app.after_request
    def vary(response: Response) -> Response:
        # A page's words follow Accept-Language when no language was chosen: say so to caches.
        if response.mimetype == "text/html":
            response.vary.add("Accept-Language")
        return response

    @app.context_processor
    def languages() -> dict[str, Any]:
        return {"language": current(), "other_languages": others(), "site_name": site_name()}
