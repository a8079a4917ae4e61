"""True where it is deployed (issue 21): each region's pages name only that region's help and law.

Every page a person can reach in a deployment (the start page, each audience's walk to heavy
results and to the results after each interrupt, both emergency pages and the calm panel, the
learn pages) is read in that region, in English and Spanish, and fails on any other region's
number, service or law. The helplines page lists every region on purpose and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from screener.bank import Bank
from tests.helpers import (
    HEAVY_BUYER,
    HEAVY_PARENT,
    Walker,
    form_fields,
    heaviest_answers,
    learn_url,
    make_app,
)

US_ONLY = [
    r"988lifeline",
    r"SAMHSA",
    r"FindTreatment",
    r"Never Use Alone",
    r"1-800-484-3731",
    r"[Pp]ress 2",
    r"[Mm]arque 2",
    r"AYUDA",
    r"435748",
    r"\b711\b",
    r"US states",
    r"Poison Help",
    r"1-800-222-1222",
    r"Estados Unidos",
    r"EE\. UU\.",
    r"United States",
]
CA_ONLY = [r"9-8-8", r"NORS", r"1-888-688-6677", r"Good Samaritan Drug Overdose Act", r"Canad"]
UK_ONLY = [r"\b999\b", r"FRANK", r"Samaritans", r"116 123", r"0300 123 6600"]
FOREIGN = {
    "US": CA_ONLY + UK_ONLY,
    "CA": US_ONLY + UK_ONLY,
    # No 988 and no 911 in the UK, no Good Samaritan law, and naloxone is not sold over the counter.
    "UK": US_ONLY
    + CA_ONLY
    + [r"\b988\b", r"\b911\b", r"Good Samaritan", r"[Pp]harmacies sell", r"venden\b[^.]*sin receta"],
}
INTERRUPTS = {
    "overdose_now": {"overdose_signs_now": "yes", "with_them_now": "yes"},
    "suicide_thoughts": {"suicide_thoughts_q": "now"},
    "suicide_past_month": {"suicide_thoughts_q": "past_month"},
    "suicide_unsure": {"suicide_thoughts_q": "unsure"},
}


def client_for(app: Flask, language: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = f"{language};q=1.0"
    return client


def main_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for other in soup.select(".sources, .source-refs, .resource__source"):
        other.decompose()  # sources are cited by their own titles and addresses
    return " ".join(soup.get_text(" ").split())


def pages(app: Flask, bank: Bank, language: str) -> Iterator[tuple[str, str]]:
    """(where, text) of every page a person can reach, in one language."""
    client = client_for(app, language)
    for url in ["/", "/learn/", *(learn_url(p, bank) for p in bank.learn)]:
        yield url, main_text(client.get(url).get_data(as_text=True))
    walks = {"self": HEAVY_BUYER, "other": HEAVY_PARENT, "counselor": heaviest_answers(bank)}
    for audience, answers in walks.items():
        for interrupt, safety in [(None, {}), *INTERRUPTS.items()]:
            walker = Walker(client_for(app, language))
            walker.start(audience)
            page = walker.client.get("/questions/safety").get_data(as_text=True)
            given = {name: "no" for name in form_fields(page)} | safety
            where = walker.post(
                "/questions/safety", {k: v for k, v in given.items() if k in form_fields(page)}
            ).location
            name = f"{audience}/{interrupt or 'no interrupt'}"
            if where.startswith("/now/"):
                yield f"{name} {where}", main_text(walker.client.get(where).get_data(as_text=True))
                where = walker.post(where, {}).location
            if where.startswith("/questions/"):
                list(walker.answer_all_from(where, answers))
            response = walker.client.get("/results")
            assert response.status_code == 200, name
            yield f"{name} results", main_text(response.get_data(as_text=True))
            if audience == "counselor":
                yield (
                    f"{name} client copy",
                    main_text(walker.client.get("/results/client-copy").get_data(as_text=True)),
                )


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("region", ["US", "CA", "UK"])
def test_every_page_names_only_its_own_regions_help_and_law(region: str, language: str) -> None:
    app = make_app(REGION=region)
    bank = app.extensions["banks"][language]
    found = set()
    for where, text in pages(app, bank, language):
        for pattern in FOREIGN[region]:
            for match in re.finditer(pattern, text):
                found.add(f"{where}: {pattern!r} in …{text[max(0, match.start() - 70) : match.end() + 50]}…")
    assert not found, f"{len(found)} in {region} [{language}]:\n" + "\n".join(sorted(found))


@pytest.mark.parametrize(
    ("region", "language", "said"),
    [
        (
            "US",
            "en",
            "In an emergency, call 911. If someone may be overdosing, give naloxone if you have it. "
            "If you are thinking about ending your life, call or text 988.",
        ),
        ("US", "es", "llame al 988 (marque 2), o envíe un texto al 988 (envíe AYUDA)."),
        (
            "CA",
            "en",
            "In an emergency, call 911. If someone may be overdosing, give naloxone if you have it. "
            "If you are thinking about ending your life, call 9-8-8, or text 988.",
        ),
        (
            "UK",
            "en",
            "In an emergency, call 999. If someone may be overdosing, give naloxone if you have it. "
            "If you are thinking about ending your life, call 116 123.",
        ),
        (
            "UK",
            "es",
            "En una emergencia, llame al 999. Si alguien puede estar teniendo una sobredosis, dele "
            "naloxona si la tiene. Si piensa en quitarse la vida, llame al 116 123.",
        ),
    ],
)
def test_the_client_copy_opens_with_the_regions_own_numbers(region: str, language: str, said: str) -> None:
    """A client handed the page in Manchester is not told to dial 911 or 988 (it said both)."""
    app = make_app(REGION=region)
    walker = Walker(client_for(app, language))
    list(walker.answer_all("counselor", HEAVY_BUYER))
    text = main_text(walker.client.get("/results/client-copy").get_data(as_text=True))
    assert said in text, text[:600]
