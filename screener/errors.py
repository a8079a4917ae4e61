"""Every error shown in the site's design, with a way to go on."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, SecurityError

from . import answers, i18n
from .words import N_, _

log = logging.getLogger(__name__)

ERRORS = {
    400: (
        N_("Something went wrong with that request"),
        N_("The page could not use what your browser sent. Your saved answers have not changed."),
    ),
    404: (
        N_("Page not found"),
        N_("We could not find that page. Check the address, or go back to the start."),
    ),
    405: (
        N_("That action is not possible here"),
        N_("This page cannot be used that way. Your saved answers have not changed."),
    ),
    413: (
        N_("That was too much to send"),
        N_(
            "The form sent more than any answer needs, so nothing was saved. "
            "Your earlier answers have not changed."
        ),
    ),
    500: (
        N_("Sorry, something went wrong on our side"),
        N_("Please try again. Your saved answers have not changed."),
    ),
}


def register(app: Flask) -> None:
    """Show every error in the site's design, with a way to go on."""

    def log_exception(exc_info: Any) -> None:
        # Flask's own writes "Exception on /now/3 [GET]": the path follows from the answers.
        log.error("unhandled error on %s", request.endpoint, exc_info=exc_info)

    app.log_exception = log_exception  # type: ignore[method-assign]

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> Any:
        continue_url = request.path if request.path.startswith("/questions/") else url_for(".start")
        if request.path.startswith("/now/"):
            continue_url = request.path
        # Say what is really kept: this error page saves nothing, so ask what the next page
        # will find (a copy of the session, checked as the next request will check it).
        config = current_app.config
        left = dict(session)
        answers.check_fresh(
            left,
            i18n.bank(),
            int(config["IDLE_MINUTES"]) * 60,
            int(config["LIFETIME_MINUTES"]) * 60,
        )
        kept = (
            _("What you had already saved is still here.")
            if answers.has_answers(left)
            else _("No answers are saved in this browser any more.")
        )
        return render_template(
            "error.html",
            title=_("This page had expired"),
            message=_(
                "For your safety, forms stop working after a while or when the browser "
                "has cleared its cookies."
            )
            + " "
            + kept,
            continue_url=continue_url,
            status=400,
        ), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(_error: SecurityError) -> Any:
        # No page can be built for a host we do not serve (links would need it): plain text.
        return "This site is not served at that address.", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        title, message = (_(words) for words in ERRORS.get(code, ERRORS[400] if code < 500 else ERRORS[500]))
        headers = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        return (
            render_template("error.html", title=title, message=message, continue_url=None, status=code),
            code,
            headers,
        )

    @app.errorhandler(Exception)
    def server_error(_error: Exception) -> Any:
        log.exception("unhandled error on %s", request.endpoint)
        title, message = ERRORS[500]
        try:
            return render_template(
                "error.html", title=_(title), message=_(message), continue_url=None, status=500
            ), 500
        except Exception:  # the last line of defence must not fail: plain English text
            return f"{title}. {message}", 500, {"Content-Type": "text/plain; charset=utf-8"}
