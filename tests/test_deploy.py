"""Running for real: the health check, key rotation, the proxy setting, shared page forms."""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from screener.bank import Bank
from tests.helpers import SECRET, Walker, csrf_token, make_app

NEW_KEY = "the-new-secret-key-9876543210-zyxwvutsrqponmlkjihgfedcba"


# --- /healthz -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "head"])
def test_healthz_answers_without_a_session(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert len(response.get_data()) <= 3
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_healthz_leaves_a_person_s_cookie_alone(client: FlaskClient, walker: Walker) -> None:
    walker.start("self")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_healthz_refuses_other_methods(client: FlaskClient) -> None:
    assert client.post("/healthz").status_code == 405


# --- key rotation ---------------------------------------------------------------------


def copy_cookies(source: FlaskClient, target: FlaskClient) -> None:
    """Carry a browser's cookies (the session and the id it is bound to) to another app."""
    for name in ("screener", "screener-id"):
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        target.set_cookie(name, cookie.value)


def test_answers_made_under_the_old_key_still_read_after_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    before = make_app(WTF_CSRF_ENABLED=False).test_client()
    walker = Walker(before)
    assert walker.complete("self", {})[-1] == "/check-answers"
    cookie = before.get_cookie("screener")
    assert cookie is not None

    rotated = make_app(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=f"{SECRET}").test_client()
    copy_cookies(before, rotated)
    page = rotated.get("/check-answers")
    assert page.status_code == 200, page.status_code
    assert "could not read" not in page.get_data(as_text=True)
    # A few minutes later the new process writes the cookie again (the last-seen time moves)...
    later = time.time() + 180
    monkeypatch.setattr(time, "time", lambda: later)
    results = rotated.get("/results")
    assert results.status_code == 200
    # ...and whatever it writes back is signed with the new key alone.
    renewed = rotated.get_cookie("screener")
    assert renewed is not None and renewed.value != cookie.value
    only_new = make_app(SECRET_KEY=NEW_KEY).test_client()
    copy_cookies(rotated, only_new)
    assert only_new.get("/check-answers").status_code == 200


def test_a_page_open_during_rotation_can_still_be_sent(bank: Bank) -> None:
    before = make_app().test_client()  # CSRF on, as in production
    Walker(before).start("self")
    section = bank.sections[0]
    page = before.get(f"/questions/{section.id}")
    token = csrf_token(page.get_data(as_text=True))
    cookie = before.get_cookie("screener")
    assert cookie is not None
    answers = {q.id: "no" for q in section.for_audience("self")}

    for fallbacks, expected in ((SECRET, 303), ("", 400)):
        rotated = make_app(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=fallbacks).test_client()
        copy_cookies(before, rotated)
        sent = rotated.post(f"/questions/{section.id}", data={**answers, "csrf_token": token})
        assert sent.status_code == expected, (fallbacks, sent.status_code)


def test_a_token_signed_with_an_unknown_key_is_still_refused(bank: Bank) -> None:
    client = make_app(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=SECRET).test_client()
    Walker(client).start("self")
    section = bank.sections[0]
    client.get(f"/questions/{section.id}")
    other = make_app(SECRET_KEY=SECRET[::-1]).test_client()
    Walker(other).start("self")
    foreign = csrf_token(other.get(f"/questions/{section.id}").get_data(as_text=True))
    sent = client.post(f"/questions/{section.id}", data={"csrf_token": foreign})
    assert sent.status_code == 400
    assert "This page had expired" in sent.get_data(as_text=True)


def test_without_the_fallback_the_old_cookie_does_not_read() -> None:
    before = make_app(WTF_CSRF_ENABLED=False).test_client()
    Walker(before).complete("self", {})
    cookie = before.get_cookie("screener")
    assert cookie is not None
    after = make_app(SECRET_KEY=NEW_KEY).test_client()
    after.set_cookie("screener", cookie.value)
    page = after.get("/check-answers", follow_redirects=True)
    assert "could not read the answers" in page.get_data(as_text=True)


def test_fallback_keys_come_from_the_environment_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENER_SECRET_KEY_FALLBACKS", f" {SECRET} ,{SECRET[::-1]},")
    app = make_app()
    assert app.config["SECRET_KEY_FALLBACKS"] == [SECRET, SECRET[::-1]]


def test_production_refuses_a_weak_fallback_key() -> None:
    with pytest.raises(SystemExit, match="SECRET_KEY_FALLBACKS must be a strong one"):
        make_app(TESTING=False, SECRET_KEY_FALLBACKS="changeme")


# --- behind a proxy -------------------------------------------------------------------

FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "screener.example.org",
    "X-Forwarded-For": "203.0.113.9",
}


def test_forwarded_headers_are_ignored_unless_a_proxy_is_trusted() -> None:
    app = make_app()
    with app.test_request_context("/", headers=FORWARDED):
        from flask import request

        assert request.scheme == "http" and request.host == "localhost"
        assert request.remote_addr != "203.0.113.9"


def test_one_trusted_proxy_sets_scheme_host_and_client() -> None:
    app = make_app(PROXIES=1)
    seen: dict[str, str] = {}

    @app.get("/seen")
    def show() -> tuple[str, dict[str, str]]:
        from flask import request

        seen.update(scheme=request.scheme, host=request.host, remote=str(request.remote_addr))
        return "ok", {"Content-Type": "text/plain"}

    assert app.test_client().get("/seen", headers=FORWARDED).status_code == 200
    assert seen == {"scheme": "https", "host": "screener.example.org", "remote": "203.0.113.9"}
    # The trailing-slash redirect is relative: the browser keeps https and the host it used,
    # and no Host header is ever echoed back.
    redirect = app.test_client().get("/learn", headers=FORWARDED)
    assert redirect.headers["Location"] == "/learn/"


@pytest.mark.parametrize("value", [-1, 9, "two", True])
def test_a_bad_proxy_count_stops_start_up(value: object) -> None:
    with pytest.raises(SystemExit, match="SCREENER_PROXIES"):
        make_app(PROXIES=value)


def test_warm_up_compiles_every_template_and_page_form() -> None:
    from screener import warm_up

    app = make_app()
    warm_up(app)
    cache = app.jinja_env.cache
    assert cache is not None
    assert {key[1] for key in cache.keys()} >= set(app.jinja_env.list_templates())
    for language, bank in app.extensions["banks"].items():  # every page's form, in every language
        built = app.extensions["forms"][language].pages
        for section in bank.sections:
            for audience in bank.audience_ids:
                if section.for_audience(audience):
                    assert (audience, tuple(q.id for q in section.for_audience(audience))) in built


def test_shared_form_classes_show_each_person_only_their_own_answers(bank: Bank) -> None:
    app = make_app(WTF_CSRF_ENABLED=False)
    section = bank.sections[0]
    questions = section.for_audience("self")
    pages = {}
    for answer in ("unsure", "no"):  # both are answers to every question on the safety page
        client = app.test_client()
        Walker(client).start("self")
        sent = client.post(f"/questions/{section.id}", data={q.id: answer for q in questions})
        assert sent.status_code == 303
        pages[answer] = client.get(f"/questions/{section.id}").get_data(as_text=True)
    assert len(app.extensions["forms"]["en"].pages) == 1  # one class served both people
    for answer, other in (("unsure", "no"), ("no", "unsure")):
        checked = re.findall(r'<input[^>]*value="(\w+)"[^>]*checked', pages[answer])
        assert checked and set(checked) == {answer}, (answer, checked)
        assert other not in checked


def test_gunicorn_s_error_log_names_no_address_and_no_page(tmp_path: Any) -> None:
    import runpy

    from gunicorn.config import Config

    settings = runpy.run_path(str(Path(__file__).parent.parent / "deploy" / "gunicorn.conf.py"))
    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    logger = settings["QuietLogger"](config)
    # What gunicorn itself writes for a malformed request and for an error in a request.
    logger.warning("Invalid request from ip={ip}: {error}".format(ip="203.0.113.9", error="'GET /now/3'"))
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("Error handling request %s %s", "POST", "/now/3")
    logged = (tmp_path / "error.log").read_text(encoding="utf-8")
    assert "Refused a malformed request" in logged and "ValueError: boom" in logged
    assert "203.0.113.9" not in logged and "/now/3" not in logged


def test_an_unhandled_error_is_logged_without_the_path(caplog: pytest.LogCaptureFixture) -> None:
    app = make_app()
    # What Flask calls for an error outside a view (reading the cookie, say): its own
    # wrote "Exception on /now/3 [GET]".
    with app.test_request_context("/now/3"), caplog.at_level(logging.DEBUG):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            app.log_exception(sys.exc_info())
    assert "boom" in caplog.text and "/now/" not in caplog.text


def test_the_key_can_come_from_a_systemd_credential(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from screener import create_app

    for name in [k for k in os.environ if k.startswith(("SCREENER_", "FLASK_"))]:
        monkeypatch.delenv(name)
    (tmp_path / "secret_key").write_text(SECRET + "\n", encoding="utf-8")
    (tmp_path / "secret_key_fallbacks").write_text("", encoding="utf-8")  # none while not rolling
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    app = create_app()
    assert app.secret_key == SECRET and app.config["SECRET_KEY_FALLBACKS"] == []
    (tmp_path / "secret_key").write_text("changeme\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        create_app()


def test_the_systemd_unit_is_hardened_to_ok() -> None:
    import shutil
    import subprocess

    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not found (apt-get install systemd)")
    unit = Path(__file__).parent.parent / "deploy" / "systemd" / "screener@.service"
    done = subprocess.run(
        [analyze, "security", "--offline=true", "--no-pager", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found = re.search(r"Overall exposure level for \S+: ([0-9.]+)", done.stdout + done.stderr)
    assert found, done.stdout + done.stderr
    assert float(found.group(1)) < 2.0, found.group(0)
    assert "LoadCredential=secret_key:" in unit.read_text(encoding="utf-8")
