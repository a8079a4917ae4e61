"""screener: an open, non-diagnostic check on opioid use that points to free, public help."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from . import bank as bank_module
from . import intake, security, urls

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then SCREENER_* / FLASK_* environment, then test_config."""
    app = Flask(__name__, template_folder=str(ROOT / "templates"))
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.from_mapping(
        SECRET_KEY=None,
        QUESTIONS_PATH=str(bank_module.DEFAULT_PATH),
        EXIT_URL="https://www.weather.gov/",
        # The name in every page title and the header: plain, so history and tabs say little.
        SITE_NAME="Health check",
        # When the content was last reviewed, shown on the About page.
        CONTENT_REVIEWED="25 November 2026",
        # Answers end after this long without activity, and at the latest this long after
        # the check started, however active the person is.
        IDLE_MINUTES=30,
        LIFETIME_MINUTES=120,
        # Host names this app answers to (None: any). Set it in production.
        TRUSTED_HOSTS=None,
        HSTS=False,
        SESSION_COOKIE_NAME="screener",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,
        MAX_CONTENT_LENGTH=16 * 1024,
        MAX_FORM_MEMORY_SIZE=8 * 1024,
        MAX_FORM_PARTS=200,
        WTF_CSRF_SSL_STRICT=False,
        # Dates on results and in the FHIR export are local to the deployment.
        TIMEZONE=intake.DEFAULT_TIMEZONE,
        # The canonical base of the FHIR URLs; empty: the address the request came to.
        PUBLIC_URL="",
    )
    app.config.from_prefixed_env("FLASK")
    app.config.from_prefixed_env("SCREENER")
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.config["WTF_CSRF_TIME_LIMIT"] = int(app.config["IDLE_MINUTES"]) * 60
    # The signature's own age limit backs up the lifetime kept in the session.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=int(app.config["LIFETIME_MINUTES"]))

    if not (app.testing or app.debug) and not security.strong_secret(app.config["SECRET_KEY"]):
        raise SystemExit(
            "screener: refusing to start without a strong SECRET_KEY. Set SCREENER_SECRET_KEY "
            "to a long random value, for example the output of\n"
            "  python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    try:
        ZoneInfo(str(app.config["TIMEZONE"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(
            f"screener: unknown time zone {app.config['TIMEZONE']!r} in SCREENER_TIMEZONE. "
            "Use a name from the tz database, such as America/New_York or America/Chicago."
        ) from None
    try:
        app.extensions["bank"] = bank_module.load(app.config["QUESTIONS_PATH"])
    except bank_module.BankError as error:
        lines = "\n".join(f"  {p}" for p in error.problems)
        raise SystemExit(
            f"screener: the question bank {app.config['QUESTIONS_PATH']} has "
            f"{len(error.problems)} problem(s):\n{lines}"
        ) from None

    security.install(app)
    urls.install(app, app.extensions["bank"])
    csrf.init_app(app)
    from . import counselor, views  # noqa: F401 - counselor adds its routes to views.bp

    app.register_blueprint(views.bp)
    views.register_error_handlers(app)
    return app

