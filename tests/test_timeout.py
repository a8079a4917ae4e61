"""No silent expiry: the idle clock waits on a "what to do now" page, "Keep my answers" restarts
it, and every page says what is really kept (issue 22 b)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from screener import answers
from tests.helpers import Walker, csrf_token, now_url, section_url

IDLE = 30 * 60  # the default, as the pages say it


def text_of(response: Any) -> str:
    """The page's words, whitespace folded (the markup's line breaks are not the reader's)."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def clock(monkeypatch: pytest.MonkeyPatch, at: float) -> None:
    monkeypatch.setattr(time, "time", lambda: at)


def session_of(client: FlaskClient) -> dict[str, object]:
    with client.session_transaction() as session:
        return dict(session)


def at_the_calm_panel(walker: Walker) -> str:
    """Answer the safety page with thoughts of suicide in the past month: the calm 988 panel."""
    steps = walker.answer_all("self", {"suicide_thoughts_q": "past_month"}, acknowledge=False)
    for url in steps:
        if url.startswith("/now/"):
            return url
    raise AssertionError("the walk never reached the calm panel")


def test_time_on_a_what_to_do_now_page_does_not_run_the_idle_clock_down(
    walker: Walker, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails on 6ce9b11: after the idle limit on the 988 panel, "Go on" found the answers gone."""
    url = at_the_calm_panel(walker)
    assert url == now_url("suicide_past_month")
    page = client.get(url).get_data(as_text=True)
    assert "kept while this page is open" in page
    assert 'id="timeout"' not in page, "no countdown while someone may be on a call"
    start = time.time()
    clock(monkeypatch, start + 2 * IDLE)  # an hour-long call, within the 2 hours
    response = client.post(url, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303, "the form still works after a long call"
    assert session_of(client).get(answers.AUDIENCE) is not None
    following = client.get(response.location)
    assert (
        following.status_code == 200
        and "with no activity, your" not in text_of(following)
        and "after a time with no activity" not in text_of(following)
    )
    # Away from the panel, the clock runs again, from when the person came back.
    assert answers.PAUSED not in session_of(client)
    clock(monkeypatch, start + 3 * IDLE + 60)
    assert "cleared after a time with no activity" in text_of(client.get("/", follow_redirects=True))
    assert session_of(client).get(answers.AUDIENCE) is None


def test_the_lifetime_still_applies_on_a_what_to_do_now_page(
    walker: Walker, client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = at_the_calm_panel(walker)
    client.get(url)
    clock(monkeypatch, time.time() + app.config["LIFETIME_MINUTES"] * 60 + 60)
    client.get(url)
    assert session_of(client).get(answers.AUDIENCE) is None


def test_keep_my_answers_restarts_the_idle_clock(
    walker: Walker, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    walker.start("self")
    start = time.time()
    clock(monkeypatch, start + IDLE - 90)  # the warning is showing
    assert client.get("/still-here").status_code == 204
    clock(monkeypatch, start + 2 * IDLE - 120)
    assert session_of(client).get(answers.AUDIENCE) is not None
    assert client.get(section_url("safety")).status_code == 200
    assert "after a time with no activity" not in text_of(client.get(section_url("safety")))


def test_pages_with_answers_say_the_idle_limit_plainly_and_carry_the_warning(
    walker: Walker, client: FlaskClient
) -> None:
    """Fails on 6ce9b11: no page with answers said when they would be cleared."""
    assert 'id="timeout"' not in client.get("/").get_data(as_text=True), "nothing saved, nothing to say"
    walker.start("self")
    page = client.get(section_url("safety")).get_data(as_text=True)
    assert "Your answers are cleared after 30 minutes with no activity." in text_of(
        client.get(section_url("safety"))
    )
    assert f'data-idle-left="{IDLE}"' in page or 'data-idle-left="17' in page
    assert 'data-idle-seconds="1800"' in page


@pytest.mark.parametrize(("kept", "words"), [(True, "still here"), (False, "No answers are saved")])
def test_the_expired_form_page_says_what_is_really_kept(
    walker: Walker, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, kept: bool, words: str
) -> None:
    """Fails on 6ce9b11: it said "What you had already saved is still here" after the idle limit."""
    walker.start("self")
    if not kept:
        clock(monkeypatch, time.time() + IDLE + 120)
    response = client.post(section_url("safety"), data={"csrf_token": "stale"})
    assert response.status_code == 400
    assert words in text_of(response)
