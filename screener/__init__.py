"""screener: an open, non-diagnostic check on opioid use that points to free, public help."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import bank as bank_module
from . import errors, fragments, i18n, intake, journey, paths, regions, security, templating, urls
from .bank.i18n import load_languages
from .forms import FormClasses
from .keys import key_list
from .security import csrf as csrf


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then SCREENER_* / FLASK_* environment, then test_config."""
    app = Flask(__name__, template_folder=str(paths.content("templates")))
    # Each language's templates compiled with their fixed words translated (templating.py).
    app.jinja_environment = templating.Environment
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.from_mapping(
        SECRET_KEY=None,
        # Old keys that still read cookies (newest first), so a key can be rolled.
        SECRET_KEY_FALLBACKS=[],
        # How many proxies in front set X-Forwarded-For/-Proto/-Host/-Port (0: none trusted).
        PROXIES=0,
        QUESTIONS_PATH=str(bank_module.DEFAULT_PATH),
        EXIT_URL="https://www.weather.gov/",
        # The name in every page title and the header: plain, so history and tabs say little.
        SITE_NAME=i18n.SITE_NAME,
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
        # Where the site is deployed: which emergency number and helplines lead (US, CA, UK).
        REGION="US",
    )
    app.config.from_prefixed_env("FLASK")
    app.config.from_prefixed_env("SCREENER")
    # Under systemd the keys come as credentials (LoadCredential=), files only this service
    # reads, rather than environment variables that child processes and /proc would show.
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    for name, setting in (("secret_key", "SECRET_KEY"), ("secret_key_fallbacks", "SECRET_KEY_FALLBACKS")):
        file = Path(credentials or ".") / name
        if credentials and not app.config[setting] and file.is_file():
            app.config[setting] = file.read_text(encoding="utf-8").strip()
    if test_config is not None:
        app.config.from_mapping(test_config)
    # A form's token lasts as long as a check may: time on a "what to do now" page does not run
    # the idle clock down (answers.check_fresh keeps that limit), so going on after a long call
    # must still work.
    app.config["WTF_CSRF_TIME_LIMIT"] = int(app.config["LIFETIME_MINUTES"]) * 60
    # The signature's own age limit backs up the lifetime kept in the session.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=int(app.config["LIFETIME_MINUTES"]))
    app.config["SECRET_KEY_FALLBACKS"] = key_list(app.config["SECRET_KEY_FALLBACKS"])
    security.host_only_cookie_names(app)

    # Only a test that builds the app itself may use a weak key: SCREENER_TESTING or
    # SCREENER_DEBUG in the environment does not skip the check (a forgeable "dev" key did).
    testing = bool(test_config and test_config.get("TESTING"))
    if not testing and not security.strong_secret(app.config["SECRET_KEY"]):
        raise SystemExit(
            "screener: refusing to start without a strong SECRET_KEY. Set SCREENER_SECRET_KEY "
            "to a long random value, for example the output of\n"
            "  python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if not testing and not all(security.strong_secret(key) for key in app.config["SECRET_KEY_FALLBACKS"]):
        raise SystemExit("screener: every key in SCREENER_SECRET_KEY_FALLBACKS must be a strong one.")
    problem = settings_problem(app.config)
    if problem:
        raise SystemExit(f"screener: {problem}")
    proxies = app.config["PROXIES"]
    if not isinstance(proxies, int) or isinstance(proxies, bool) or not 0 <= proxies <= 5:
        raise SystemExit(f"screener: SCREENER_PROXIES must be a whole number from 0 to 5, not {proxies!r}.")
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    try:
        ZoneInfo(str(app.config["TIMEZONE"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(
            f"screener: unknown time zone {app.config['TIMEZONE']!r} in SCREENER_TIMEZONE. "
            "Use a name from the tz database, such as America/New_York or America/Chicago."
        ) from None
    try:
        # Each region's words (an unknown region is refused below, with its own message).
        region = app.config["REGION"] if app.config["REGION"] in regions.REGIONS else "US"
        banks, translation_problems = load_languages(
            app.config["QUESTIONS_PATH"], i18n.DIRECTORY, i18n.LANGUAGES, region
        )
    except bank_module.BankError as error:
        lines = "\n".join(f"  {p}" for p in error.problems)
        raise SystemExit(
            f"screener: the question bank {app.config['QUESTIONS_PATH']} has "
            f"{len(error.problems)} problem(s):\n{lines}"
        ) from None

    # The bank in each language; "bank" is the English one, for what is the same in all.
    app.extensions["banks"] = banks
    app.extensions["bank"] = banks[i18n.LANGUAGES[0]]
    problem = regions.region_problem(app.config["REGION"], app.extensions["bank"])
    if problem:
        raise SystemExit(f"screener: {problem}.")
    app.extensions["forms"] = {language: FormClasses(bank) for language, bank in banks.items()}
    # How long the check is for each audience (the start page): counted once, not per request.
    app.extensions["sizes"] = {
        language: {a.id: journey.size(bank, a.id) for a in bank.audiences} for language, bank in banks.items()
    }
    i18n.install(app, translation_problems)
    security.install(app)
    urls.install(app, app.extensions["bank"])
    fragments.install(app)
    csrf.init_app(app)
    # Imported for what importing does: counselor adds its routes to views.bp.
    from . import counselor, health, views  # noqa: F401

    app.register_blueprint(health.bp)
    app.register_blueprint(views.bp)
    errors.register(app)
    return app


def settings_problem(config: Mapping[str, Any]) -> str | None:
    """Say what is wrong with the settings a deployment gives, or None when they make sense."""
    idle, lifetime = config["IDLE_MINUTES"], config["LIFETIME_MINUTES"]
    if type(idle) is not int or not 5 <= idle <= 24 * 60:
        return f"SCREENER_IDLE_MINUTES must be a whole number from 5 to 1440, not {idle!r}."
    if type(lifetime) is not int or not idle <= lifetime <= 24 * 60:
        return (
            f"SCREENER_LIFETIME_MINUTES must be a whole number from SCREENER_IDLE_MINUTES ({idle}) "
            f"to 1440, not {lifetime!r}."
        )
    hosts = config["TRUSTED_HOSTS"]
    if hosts is not None and not (
        isinstance(hosts, list) and hosts and all(isinstance(h, str) and h for h in hosts)
    ):
        return (
            "SCREENER_TRUSTED_HOSTS must be a JSON list of host names, such as "
            f"'[\"screener.example.org\"]', not {hosts!r}."
        )
    for name in ("EXIT_URL", "PUBLIC_URL"):
        value = config[name]
        if (
            not isinstance(value, str)
            or (value or name == "EXIT_URL")
            and not value.startswith(("https://", "http://"))
        ):
            return f"SCREENER_{name} must be a full address starting with https://, not {value!r}."
    return None


def warm_up(app: Flask) -> None:
    """Compile every template (in every language) and build every page's form before serving.

    gunicorn.conf.py calls this in the master process before it forks the workers, so no
    person's first request pays for it (about 150 ms per worker otherwise).
    """
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    templating.warm_up(app)
    for language, bank in app.extensions["banks"].items():
        classes: FormClasses = app.extensions["forms"][language]
        for section in bank.sections:
            for audience in bank.audience_ids:
                questions = section.for_audience(audience)
                if questions:
                    classes.page(questions, audience)
