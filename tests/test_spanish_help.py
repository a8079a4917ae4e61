"""Spanish that reaches help in Spanish (issue 21): every way to 988 on a Spanish page says how.

A Spanish reader who texts 988 without the word AYUDA, or calls without pressing 2, reaches an
English counselor. Walked as people would: each audience says "yes, now" to thoughts of
suicide, goes on, answers the rest and reads the results; the emergency pages, the calm panel,
the learn pages and the helplines are read too. The SAMHSA text line is English only, and says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import HEAVY_BUYER, Walker, form_fields, learn_url, make_app, now_url

SPANISH_WAY = re.compile(r"marque 2|AYUDA|988lifeline\.org/es")
# Block elements read as one piece of advice: each that names 988 must say how to reach it in
# Spanish, itself or in the helpline card, next step or strip it belongs to.
BLOCKS = "p, li, td, dd, a.button"
OTHER_COUNTRIES = ("region-CA", "region-UK")
GROUPS = ["resource", "next-step", "care-card", "emergency-strip"]


@pytest.fixture(scope="module")
def app() -> Flask:
    return make_app()


def spanish(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-US,es;q=0.9"
    return client


def walk(app: Flask, audience: str, suicide: str) -> Iterator[tuple[str, str]]:
    """(url, html) of every page a Spanish reader sees from the start page to the results."""
    walker = Walker(spanish(app))
    yield "/", walker.client.get("/").get_data(as_text=True)
    walker.start(audience)
    page = walker.client.get("/questions/safety").get_data(as_text=True)
    yield "/questions/safety", page
    answers = {name: "no" for name in form_fields(page)} | {"suicide_thoughts_q": suicide}
    where = walker.post("/questions/safety", answers).location
    for url in walker.answer_all_from(where, HEAVY_BUYER):
        yield url, walker.client.get(url).get_data(as_text=True)
    for url in ("/results", "/results/client-copy") if audience == "counselor" else ("/results",):
        response = walker.client.get(url)
        assert response.status_code == 200, url
        yield url, response.get_data(as_text=True)


def problems(url: str, html: str) -> list[str]:
    """Every bare sms:988 and every 988 with no Spanish way to reach it, on one page."""
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html is not None and soup.html.get("lang") == "es", url
    for other in soup.select(", ".join(f'section[aria-labelledby="{r}"]' for r in OTHER_COUNTRIES)):
        other.decompose()  # the helplines page: Canada's 9-8-8 is another line, with no Spanish option
    found = [
        f"{url}: a text link to 988 without AYUDA: {a['href']}"
        for a in soup.select('a[href^="sms:988"]')
        if "body=AYUDA" not in str(a["href"])
    ]
    for block in soup.select(BLOCKS):
        text = " ".join(block.get_text(" ").split())
        if not re.search(r"\b988\b", text) or SPANISH_WAY.search(text) or block.find_parent(class_="sources"):
            continue  # sources are cited by their own titles
        group = block.find_parent(class_=GROUPS)
        if group is not None and SPANISH_WAY.search(group.get_text(" ")):
            continue
        found.append(f"{url}: 988 with no way in Spanish: {text[:140]}")
    return found


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
@pytest.mark.parametrize("suicide", ["now", "past_month"])
def test_a_spanish_walk_never_offers_988_without_the_way_in_spanish(
    app: Flask, audience: str, suicide: str
) -> None:
    found = [p for url, html in walk(app, audience, suicide) for p in problems(url, html)]
    assert not found, "\n".join(found)


def test_the_emergency_pages_learn_pages_and_helplines_say_it_too(app: Flask, bank) -> None:
    client = spanish(app)
    urls = [now_url("overdose_now"), now_url("suicide_thoughts"), "/help", "/learn/"]
    urls += [learn_url(page_id) for page_id in bank.learn]
    found = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found += problems(url, response.get_data(as_text=True))
    assert not found, "\n".join(found)


def test_the_samhsa_text_line_says_it_is_english_only_in_spanish(app: Flask) -> None:
    """SAMHSA: "the 435748 (HELP4U) text messaging service is only available in English."""
    pages = [spanish(app).get("/help").get_data(as_text=True)]
    walker = Walker(spanish(app))
    list(walker.answer_all("self", HEAVY_BUYER))
    pages.append(walker.client.get("/results").get_data(as_text=True))
    links = [a for html in pages for a in BeautifulSoup(html, "html.parser").select('a[href^="sms:435748"]')]
    assert len(links) >= 2, "the SAMHSA text line is offered on the helplines page and the results"
    for link in links:
        assert "solo en inglés" in link.find_parent(["li", "p"]).get_text(" "), link
    english = Walker(make_app().test_client())
    list(english.answer_all("self", HEAVY_BUYER))
    soup = BeautifulSoup(english.client.get("/results").get_data(as_text=True), "html.parser")
    assert [a.get_text() for a in soup.select('a.button[href^="sms:435748"]')] == ["Text 435748"]
