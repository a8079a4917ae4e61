"""Random and hostile requests to every route: never a 500, never a change when refused."""

from __future__ import annotations

import string
from typing import Any

from flask.testing import EnvironBuilder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from screener import answers
from tests.helpers import Walker, make_app

APPS = {csrf: make_app(WTF_CSRF_ENABLED=csrf) for csrf in (True, False)}
BANK = APPS[True].extensions["bank"]
QUESTION_IDS = list(BANK.questions)
ROUTES = [
    "/",
    "/questions/" + BANK.sections[0].id,
    "/questions/" + BANK.sections[-1].id,
    "/questions/nope",
    "/now/overdose_now",
    "/now/suicide_thoughts",
    "/now/nope",
    "/check-answers",
    "/results",
    "/exit",
    "/clear",
    "/learn/",
    "/learn/overdose",
    "/learn/../../etc/passwd",
    "/help",
    "/privacy",
    "/static/screener.css",
    "/static/../wsgi.py",
]
SAFE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=60
)
VALUES = st.one_of(
    st.sampled_from(["yes", "no", "unsure", "none", "", "self", "other", "counselor"]),
    SAFE_TEXT,
    st.text(max_size=3000).map(lambda t: t.replace("\x00", "")),
)
KEYS = st.one_of(st.sampled_from([*QUESTION_IDS, "audience", "csrf_token"]), SAFE_TEXT)
BODIES = st.one_of(
    st.none(),
    st.lists(st.tuples(KEYS, VALUES), max_size=12),
    st.binary(max_size=4000),
)
HEADERS = st.dictionaries(
    st.sampled_from(
        [
            "Content-Type",
            "Accept",
            "Accept-Language",
            "X-Forwarded-For",
            "Referer",
            "Origin",
            "Range",
            "If-None-Match",
            "X-CSRFToken",
        ]
    ),
    st.text(
        alphabet=string.printable.replace("\r", "").replace("\n", "").replace("\x0b", "").replace("\x0c", ""),
        max_size=80,
    ),
    max_size=4,
)
PATHS = st.one_of(
    st.sampled_from(ROUTES),
    st.builds(lambda r, t: r + t, st.sampled_from(ROUTES), SAFE_TEXT),
    SAFE_TEXT.map(lambda t: "/" + t.lstrip("/")),
)


def stored(client: Any) -> answers.Saved | None:
    with client.session_transaction() as session:
        return answers.load(session, BANK)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    csrf=st.booleans(),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"]),
    path=PATHS,
    body=BODIES,
    headers=HEADERS,
    cookie=st.one_of(st.none(), SAFE_TEXT, st.text(max_size=5000).map(lambda t: t.replace("\x00", ""))),
    with_answers=st.booleans(),
)
def test_hostile_requests_never_break_the_app_or_change_refused_state(
    csrf: bool,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    cookie: str | None,
    with_answers: bool,
) -> None:
    client = APPS[csrf].test_client()
    if with_answers:
        Walker(client).start("self")
    if cookie is not None:
        try:
            client.set_cookie("screener" if not with_answers else "other", cookie)
        except ValueError:
            pass
    before = stored(client)
    kwargs: dict[str, Any] = {"headers": headers}
    if isinstance(body, list):
        kwargs["data"] = MultiDict(body)
    elif isinstance(body, bytes):
        kwargs["data"] = body
    builder = EnvironBuilder(APPS[csrf], path=path, method=method, **kwargs)
    try:
        builder.get_environ()
    except ValueError:
        return  # the test client itself cannot build this request (the app never sees it)
    # Only the building is excused: any error the app raises (ValueError too) fails the test.
    with client.open(builder) as response:
        assert response.status_code < 500, (method, path, response.status_code)
        if response.status_code >= 400:
            assert stored(client) == before, (method, path, response.status_code)
