"""The pages' own words in Spanish: chosen by the browser or by ?lang=es, nothing left in English.

The bank's words (questions, patterns, helplines) have their own catalog and tests; these
check the templates' words (messages.po) and that every one of them is translated.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from screener import i18n
from tests.helpers import Walker, make_app

MESSAGES = i18n.DIRECTORY / "es" / "LC_MESSAGES" / "messages.po"

# Each page, a few of its Spanish words, and the English words they stand for.
PAGES = {
    "/": (
        [
            "Uso de opioides",
            "¿Para quién es?",
            "Salir de esta página",
            "Antes de empezar",
        ],
        ["Check on opioid use", "Who is this check for?", "Exit this page", "Before you start"],
    ),
    "/privacy": (
        ["Qué se guarda y dónde", "“Preguntas, parte 3”", "En un aparato compartido"],
        ["What is kept, and where", "Questions, part 3", "On a shared device"],
    ),
    "/about": (
        ["Acerca de este chequeo", "Avisar de un error", "No es un diagnóstico:"],
        ["About this check", "Report a mistake", "Not a diagnosis:"],
    ),
    "/cover-your-tracks": (
        ["Borrar su rastro", "Lo que “Salir de esta página” no puede borrar", "Una computadora:"],
        ["Cover your tracks", "What Exit cannot erase", "A computer:"],
    ),
    "/learn/": (
        ["Aprender", "Páginas cortas y sencillas sobre los opioides"],
        ["Short, plain pages about opioids"],
    ),
    "/help": (
        ["Líneas de ayuda gratuitas", "Estados Unidos", "Servicios públicos y gratuitos."],
        ["Free helplines", "United States", "Free, public services."],
    ),
    "/clear": (
        ["No hay respuestas para borrar", "Borrar lo que quede de todos modos", "Ir a la página de inicio"],
        ["No answers to clear", "Clear anything left anyway", "Go to the start page"],
    ),
}
# On every page: the header, the exit bar, the emergency strip and the footer.
EVERY_PAGE = (
    ["Saltar al contenido principal", "Emergencias: 911", "Privacidad", "Borrar mis respuestas"],
    ["Skip to main content", "Emergency: call", "Clear my answers", "Tip: press Shift"],
)


@pytest.fixture
def app() -> Flask:
    return make_app()


def browser_prefers_spanish(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9,en;q=0.5"
    return client


def chose_spanish(app: Flask) -> FlaskClient:
    """A browser that prefers English, where the person pressed "Español"."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    switched = client.get("/?lang=es")
    assert switched.status_code == 303 and switched.location.endswith("/")
    return client


def text_of(html: str) -> str:
    """The words a person sees or hears: the text and the labels, spaces made plain."""
    soup = BeautifulSoup(html, "html.parser")
    labels = " ".join(
        tag[name] for name in ("aria-label", "title", "alt") for tag in soup.find_all(attrs={name: True})
    )
    return re.sub(r"\s+", " ", soup.get_text(" ") + " " + labels)


def assert_spanish(html: str, spanish: list[str], english: list[str]) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html is not None and soup.html.get("lang") == "es"
    switch = soup.select("a.site-header__language")
    assert [(a.get_text(strip=True), a.get("lang"), a.get("hreflang")) for a in switch] == [
        ("English", "en", "en")
    ]
    assert switch[0]["href"].endswith("?lang=en")
    assert soup.title is not None and soup.title.get_text().endswith("– Chequeo de salud")
    words = text_of(html)
    for phrase in spanish + EVERY_PAGE[0]:
        assert phrase in words, phrase
    for phrase in english + EVERY_PAGE[1]:
        assert phrase not in words, phrase


@pytest.mark.parametrize(
    "choose", [browser_prefers_spanish, chose_spanish], ids=["Accept-Language", "?lang=es"]
)
@pytest.mark.parametrize("path", PAGES)
def test_each_page_is_in_spanish(app: Flask, choose, path: str) -> None:
    client = choose(app)
    page = client.get(path)
    assert page.status_code == 200
    assert_spanish(page.get_data(as_text=True), *PAGES[path])


@pytest.mark.parametrize(
    "choose", [browser_prefers_spanish, chose_spanish], ids=["Accept-Language", "?lang=es"]
)
def test_the_confirm_pages_count_answers_in_spanish(app: Flask, choose) -> None:
    client = choose(app)
    walker = Walker(client)
    walker.complete("self", {})
    page = client.get("/clear").get_data(as_text=True)
    assert_spanish(
        page,
        ["¿Borrar sus respuestas?", "Sí, borrar mis respuestas"],
        ["Clear your answers?", "You cannot undo"],
    )
    assert re.search(r"Esto borra \d+ respuestas guardadas en este navegador", text_of(page))
    # Choosing someone else for the check asks first, in Spanish too.
    start = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', start)
    assert token
    asked = client.post("/", data={"audience": "other", "csrf_token": token.group(1)})
    assert asked.status_code == 200
    assert_spanish(
        asked.get_data(as_text=True),
        [
            "¿Empezar un chequeo nuevo con la opción “",
            "Sí, borrar mis respuestas y empezar de nuevo",
            "No, conservar mis respuestas",
        ],
        ["Start a new check", "Yes, delete my answers", "No, keep my answers"],
    )


def test_english_stays_english_with_a_link_to_spanish(app: Flask) -> None:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    soup = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    assert soup.html is not None and soup.html.get("lang") == "en"
    switch = soup.select("a.site-header__language")
    assert [(a.get_text(strip=True), a.get("lang"), a.get("hreflang")) for a in switch] == [
        ("Español", "es", "es")
    ]
    assert soup.title is not None and soup.title.get_text().endswith("– Health check")
    assert "Salir de esta página" not in soup.get_text()


def test_a_deployments_own_site_name_is_shown_as_it_is() -> None:
    client = browser_prefers_spanish(make_app(SITE_NAME="Clínica Norte"))
    soup = BeautifulSoup(client.get("/about").get_data(as_text=True), "html.parser")
    assert soup.title is not None and soup.title.get_text().endswith("– Clínica Norte")
    assert soup.select_one(".site-header__name").get_text(strip=True) == "Clínica Norte"


def test_every_message_has_a_spanish_translation() -> None:
    with MESSAGES.open("rb") as po:
        catalog = read_po(po)
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    ids = [message.id for message in catalog if message.id]
    assert len(ids) > 150, "messages.po lost its messages (run scripts/translations update)"
    untranslated = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy or not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
    assert untranslated == []


def test_every_template_message_is_in_the_catalog() -> None:
    """messages.po is up to date: no message of the templates is missing from it."""
    with MESSAGES.open("rb") as po:
        catalog = read_po(po)
    with (i18n.DIRECTORY / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    missing = [m.id for m in template if m.id and catalog.get(m.id, m.context) is None]
    assert missing == [], "run scripts/translations update and translate the new messages"
    assert Path(MESSAGES).with_suffix(".mo").exists(), "run scripts/translations compile"
