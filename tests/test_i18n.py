"""Languages: the bank and the app in Spanish, the catalogs current, the switch keeping answers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import textstat
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from screener import intake
from screener.bank.i18n import load_languages, strings
from screener.bank.reader import read
from screener.i18n import DIRECTORY, LANGUAGES
from screener.rules import evaluate
from tests.helpers import Walker, learn_url, make_app, now_url
from tests.test_vignettes import PEOPLE, VIGNETTES, answers_for, fired

ROOT = Path(__file__).resolve().parent.parent
BANKS, PROBLEMS = load_languages(None, DIRECTORY, LANGUAGES)
SHIPPED = LANGUAGES[1:]
DOMAINS = ("messages", "bank")
# Names of medicines and drugs are long words a reader knows by sight: not scored.
MEDICINES = re.compile(
    r"\b(buprenorfina|metadona|naloxona|naltrexona|fentanilo|oxicodona|hidrocodona|morfina|"
    r"code[ií]na|hero[ií]na|tramadol|gabapentina|pregabalina|benzodiacepinas?|loperamida|kratom|"
    r"xilacina|narcan|suboxone|vivitrol|sublocade|percocet|oxycontin|vicodin|dilaudid|"
    r"hidromorfona|tapentadol|oximorfona|opioides?|hiperalgesia)\b",
    re.IGNORECASE,
)
# Contexts of the prose the readability rule holds: questions (and their hints), explanations.
SCORED = re.compile(
    r"\.questions\.[^.]+\.(text|hint)(\.|$)|\.explanation(\.|$)|\.aftercare\.text(\.|$)"
    r"|^learn\.[^.]+\.(body|summary)(\.|$)"
)
# Words that label or shame a person (NIDA "Words Matter", in Spanish), and diagnoses.
FORBIDDEN_ES = [
    r"\badict[oa]s?\b",
    r"\bdrogadict",
    r"\btoxic[oó]man",
    r"\byonqui",
    r"\babusador",
    r"\babuso de (drogas|sustancias|opioides)",
    r"\blimpi[oa]s?\b",
    r"\bsuci[oa]s?\b",
    r"\breca[ií]da",
    r"\b(terapia|tratamiento) de (reemplazo|sustituci[oó]n)",
    r"\busted tiene (un|una|el|la) (trastorno|adicci)",
    r"\busted est[aá] bien\b",
    r"\bnada de qu[eé] preocupar",
    r"\b(leve|moderad[oa]|grave)\b[^.]{0,30}\btrastorno\b",
]


def po(language: str, domain: str) -> Any:
    """Read one catalog of a language."""
    with (DIRECTORY / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        return read_po(file)


def fernandez_huerta(text: str) -> float:
    textstat.set_lang("es")
    try:
        return float(textstat.fernandez_huerta(MEDICINES.sub("", text)))
    finally:
        textstat.set_lang("en_US")


def bank_strings(language: str) -> dict[str, str]:
    """context -> text of every user-facing string of the bank in one language."""
    english = dict(strings(read()))
    catalog = {m.context: m.string for m in po(language, "bank") if m.id and m.context in english}
    return {context: catalog.get(context) or english[context] for context in english}


# --- the bank in every language -----------------------------------------------------------


def test_every_shipped_language_has_every_bank_string_translated() -> None:
    assert set(BANKS) == set(LANGUAGES)
    assert PROBLEMS == []


@pytest.mark.parametrize("language", SHIPPED)
def test_a_translated_bank_has_the_same_ids_values_conditions_and_fingerprint(language: str) -> None:
    english, other = BANKS[LANGUAGES[0]], BANKS[language]
    assert other.fingerprint == english.fingerprint
    assert other.structure() == english.structure()
    assert [q.id for q in other.questions.values()] == [q.id for q in english.questions.values()]
    # ...and it is really another language: the words differ almost everywhere.
    pairs = [
        (q.text.get(a), e.text.get(a))
        for q, e in zip(other.questions.values(), english.questions.values(), strict=True)
        for a in q.audiences
    ]
    assert sum(t != e for t, e in pairs) / len(pairs) > 0.95


@pytest.mark.parametrize("language", SHIPPED)
def test_bank_check_passes_in_every_language(language: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "screener", "bank", "check", "--lang", language],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"OK [{language}]")


def test_bank_check_names_a_string_left_untranslated(tmp_path: Path) -> None:
    bank_file = tmp_path / "questions.yaml"
    bank_file.write_text(
        (ROOT / "questions.yaml").read_text().replace("label: Myself", "label: Me, myself"), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "screener", "bank", "check", "--lang", "es", str(bank_file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert "no translation for audiences.self.label" in result.stderr


@pytest.mark.parametrize("language", SHIPPED)
def test_questions_and_explanations_read_fairly_easily(language: str) -> None:
    """Fernández-Huerta 70 or more ("fairly easy"), medicine names left out."""
    hard = {
        context: (round(fernandez_huerta(text)), text)
        for context, text in bank_strings(language).items()
        if SCORED.search(context) and len(text.split()) >= 4 and fernandez_huerta(text) < 70
    }
    assert not hard, hard


@pytest.mark.parametrize("language", SHIPPED)
def test_no_word_labels_or_diagnoses_a_person(language: str) -> None:
    texts = list(bank_strings(language).values())
    texts += [m.string for m in po(language, "messages")]
    found = [(p, t) for t in texts if isinstance(t, str) for p in FORBIDDEN_ES if re.search(p, t, re.I)]
    assert not found, found


# --- the catalogs -------------------------------------------------------------------------


def catalog_entries(path: Path) -> dict[tuple[str | None, str], str]:
    read = read_mo if path.suffix == ".mo" else read_po
    with path.open("rb") as file:
        catalog = read(file)
    entries = {}
    for m in catalog:
        if m.id and m.string and not m.fuzzy:
            # Babel reads a compiled context as bytes; plural entries as tuples.
            context = m.context.decode() if isinstance(m.context, bytes) else m.context
            key = m.id if isinstance(m.id, str) else m.id[0]
            entries[(context, key)] = m.string if isinstance(m.string, str) else m.string[0]
    return entries


@pytest.mark.parametrize(("language", "domain"), [(lang, d) for lang in SHIPPED for d in DOMAINS])
def test_every_catalog_is_complete_and_compiled(language: str, domain: str) -> None:
    path = DIRECTORY / language / "LC_MESSAGES" / f"{domain}.po"
    assert [m.id for m in po(language, domain) if m.id and (not m.string or m.fuzzy)] == []
    compiled = catalog_entries(path.with_suffix(".mo"))
    assert compiled == catalog_entries(path), "run scripts/translations compile"


def test_the_templates_of_the_catalogs_are_current(tmp_path: Path) -> None:
    """Every string of the app and the bank is in the .pot files (scripts/translations extract)."""
    for domain, inputs in (("messages", ["screener", "templates"]), ("bank", ["questions.yaml"])):
        out = tmp_path / f"{domain}.pot"
        keywords = ["-k", "_l", "-k", "N_", "-k", "later", "-k", "_n:1,2"] if domain == "messages" else []
        subprocess.run(
            [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", "babel.cfg", *keywords]
            + ["-o", str(out), *inputs],
            cwd=ROOT,
            check=True,
        )
        with out.open("rb") as file:
            fresh = {(m.context, m.id) for m in read_po(file) if m.id}
        with (DIRECTORY / f"{domain}.pot").open("rb") as file:
            kept = {(m.context, m.id) for m in read_po(file) if m.id}
        assert fresh == kept, f"{domain}.pot is out of date: run scripts/translations update"


# --- vignettes: the same people get the same patterns, in their language ----------------------


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize(("name", "audience", "given"), [(v[0], v[1], v[2]) for v in VIGNETTES])
def test_vignettes_fire_the_same_patterns_in_every_language(
    language: str, name: str, audience: str, given: dict[str, Any]
) -> None:
    english, other = BANKS[LANGUAGES[0]], BANKS[language]
    in_english = evaluate(english, answers_for(audience, english, **given), audience)
    translated = evaluate(other, answers_for(audience, other, **given), audience)
    assert fired(translated) == fired(in_english), name
    for mine, theirs in zip(translated.findings, in_english.findings, strict=True):
        assert mine.title != theirs.title and mine.explanation != theirs.explanation


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("person", PEOPLE, ids=[p.name for p in PEOPLE])
def test_round_two_people_get_the_same_patterns_in_every_language(language: str, person: Any) -> None:
    english, other = BANKS[LANGUAGES[0]], BANKS[language]
    report = evaluate(other, answers_for(person.audience, other, **person.answers), person.audience)
    expected = evaluate(english, answers_for(person.audience, english, **person.answers), person.audience)
    assert fired(report) == fired(expected)
    assert [len(r.steps) for r in report.findings] == [len(r.steps) for r in expected.findings]


# --- choosing a language ----------------------------------------------------------------------


def test_the_first_visit_follows_the_browser(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    html = page.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert re.search(r'<a [^>]*href="/\?lang=en"[^>]*lang="en" hreflang="en"[^>]*>English</a>', html)
    english = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert re.search(r'lang="es" hreflang="es"[^>]*>Español</a>', english)
    # No preference, or one for a language we do not have: English.
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_switching_keeps_the_answers_and_shows_the_same_page_again(client: FlaskClient) -> None:
    walker = Walker(client)
    first = walker.start("self")
    safe = dict.fromkeys(("overdose_signs_now", "took_too_much", "suicide_thoughts_q"), "no")
    assert walker.post(first, safe).status_code == 303
    before = client.get(first).get_data(as_text=True)
    switched = client.get(first + "?lang=es")
    assert switched.status_code == 303 and switched.location == first
    after = client.get(first).get_data(as_text=True)
    assert '<html lang="es">' in after
    es = BANKS["es"].questions["took_too_much"].text.get("self")
    en = BANKS["en"].questions["took_too_much"].text.get("self")
    assert en in before and es in after and en not in after
    assert after.count("checked") == before.count("checked") == 3
    # ...and back again, with the answers kept.
    assert client.get(first + "?lang=en").location == first
    assert client.get(first).get_data(as_text=True).count("checked") == 3


def test_other_query_arguments_are_kept_and_unknown_languages_ignored(client: FlaskClient) -> None:
    assert client.get("/?for=other&lang=es").location == "/?for=other"
    assert client.get("/?lang=xx").location == "/"
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)


def test_clear_keeps_the_language_and_exit_forgets_it(client: FlaskClient) -> None:
    client.get("/?lang=es")
    Walker(client).start("self")
    client.post("/clear")
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)
    client.post("/exit")
    assert client.get_cookie("screener") is None
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_fixed_words_are_translated_once_when_compiled_and_each_request_gets_its_own(
    client: FlaskClient,
) -> None:
    app = client.application
    catalogs = app.extensions["catalogs"]
    fixed = "Skip to main content"  # a plain _("...") in base.html
    spanish = catalogs["es"].gettext(fixed)
    assert spanish != fixed
    # Compiled into the Spanish templates as a constant, not looked up per request.
    source = app.jinja_env.loader.get_source(app.jinja_env, "base.html")[0]
    compiled = app.jinja_env.for_language("es").compile(source, "base.html", raw=True)
    assert repr(spanish) in compiled or spanish in compiled
    assert fixed not in compiled
    # Words with a variable still go through the catalog when the page is made.
    start = app.jinja_env.for_language("es").compile(
        app.jinja_env.loader.get_source(app.jinja_env, "start.html")[0], "start.html", raw=True
    )
    assert "Up to %(questions)s questions, %(minutes)s minutes" in start
    # The language is the request's, page after page, whichever was compiled first.
    for language in ("es", "en", "es", "en", "en", "es"):
        html = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
        assert f'<html lang="{language}">' in html
        wanted, other = (spanish, fixed) if language == "es" else (fixed, spanish)
        assert wanted in html and other not in html
        # A macro imported without the page's context (error_summary, choices) and a variable
        # string are in the same language.
        hint = catalogs[language].gettext("Up to %(questions)s questions, %(minutes)s minutes")
        assert hint.split("%")[0] in html
    # Switching with ?lang= changes the next page's fixed words at once.
    client.get("/?lang=es")
    assert spanish in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.get("/?lang=en")
    assert spanish not in client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)


def test_the_strip_and_listen_control_made_once_follow_each_request_s_language(client: FlaskClient) -> None:
    # Both are rendered once per language and region (screener/fragments.py) and put in place.
    catalogs = client.application.extensions["catalogs"]
    for language in ("en", "es", "es", "en", "es"):
        html = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
        soup = BeautifulSoup(html, "html.parser")
        strip = soup.select_one(".emergency-strip")
        assert strip is not None
        overdose = catalogs[language].gettext('Overdose: <a href="%(href)s">what to do</a>')
        assert re.sub(r"<[^>]+>", "", overdose) in strip.get_text()
        control = soup.select_one(".listen")
        assert control is not None and control["data-voice"] == f"{language}-US"
        assert control["data-reading"] == catalogs[language].gettext("Reading aloud")


def test_an_odd_language_in_the_cookie_falls_back_to_the_browser() -> None:
    app = make_app()
    client = app.test_client()
    with client.session_transaction() as session:
        session["l"] = 9
    page = client.get("/", headers={"Accept-Language": "es"})
    assert page.status_code == 200 and '<html lang="es">' in page.get_data(as_text=True)


# --- every page in Spanish, with no English left --------------------------------------------

# Short English words that no Spanish sentence uses: one of them in a Spanish page is a string
# left untranslated. Proper names (SAMHSA, Never Use Alone, FindTreatment.gov) have none.
ENGLISH = re.compile(
    r"\b(the|and|or|of|to|you|your|with|what|this|that|for|are|not|they|their|will|from)\b", re.I
)


# Names of programs said in English where they are named (with a Spanish gloss beside them).
PROPER_NAMES = ("Community Reinforcement and Family Training",)


def visible_words(html: str) -> str:
    """The text a reader sees, without what is marked as English (source titles) and names."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.select("[lang]:not(html), script, style"):
        tag.decompose()
    text = soup.get_text(" ", strip=True)
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return re.sub(r"\S+\.(gov|org|com)\S*", "", text)  # addresses, printed for paper


def english_left(html: str) -> list[str]:
    text = visible_words(html)
    return sorted({text[max(0, m.start() - 40) : m.end() + 40] for m in ENGLISH.finditer(text)})


def spanish_client() -> FlaskClient:
    client = make_app().test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-US,es;q=0.9"
    return client


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_a_whole_walk_in_spanish_leaves_no_english(audience: str) -> None:
    client = spanish_client()
    walker = Walker(client)
    answers = {
        "self": {"what_used": ["street_pills"], "uses_alone": "yes", "has_naloxone": "no", "craving": "yes"},
        "other": {"what_used": ["unsure"], "found_items": ["foil"], "has_naloxone": "no"},
        "counselor": {"what_used": ["rx_opioid"], "takes_for_pain": "yes", "has_prescription": "yes"},
    }[audience]
    pages = {}
    for url in walker.answer_all(audience, answers):
        pages[url] = client.get(url).get_data(as_text=True)
    pages["results"] = client.get("/results").get_data(as_text=True)
    if audience == "counselor":
        pages["client copy"] = client.get("/results/client-copy").get_data(as_text=True)
    for name, html in pages.items():
        assert '<html lang="es">' in html, name
        assert english_left(html) == [], name


@pytest.mark.parametrize(
    "url",
    ["/", "/privacy", "/about", "/cover-your-tracks", "/help", "/learn/", "/clear", "/no-such-page"],
)
def test_every_other_page_is_in_spanish(url: str) -> None:
    page = spanish_client().get(url)
    assert english_left(page.get_data(as_text=True)) == [], url


def test_learn_pages_and_both_interrupts_are_in_spanish() -> None:
    client = spanish_client()
    bank = BANKS["es"]
    urls = [learn_url(page_id, bank) for page_id in bank.learn]
    urls += [now_url(finding_id, bank) for finding_id in ("overdose_now", "suicide_thoughts")]
    for url in urls:
        html = client.get(url).get_data(as_text=True)
        assert english_left(html) == [], url


def test_the_counselor_printout_leaves_out_yes_answers_in_spanish_too() -> None:
    client = spanish_client()
    given = {"what_used": ["rx_opioid"], "craving": "yes", "gave_up": "yes", "cut_down": "tried"}
    list(Walker(client).answer_all("counselor", given))
    soup = BeautifulSoup(client.get("/results").get_data(as_text=True), "html.parser")
    answers = soup.select(".triggers__a")
    yes = [a for a in answers if a.get_text(strip=True).endswith(": Sí")]
    assert yes and all("triggers__a--yes" in a["class"] for a in yes)
    assert not any("triggers__a--yes" in a["class"] for a in answers if a not in yes)


def test_dates_are_written_in_the_readers_language() -> None:
    client = spanish_client()
    assert "en diciembre de 2026 o después" in client.get("/about").get_data(as_text=True)
    list(Walker(client).answer_all("counselor", {}))
    today = intake.local_now(client.application.config["TIMEZONE"])
    assert intake.local_date(today, "es") in client.get("/results").get_data(as_text=True)
    english = make_app().test_client()
    assert "in December 2026 or later" in english.get("/about").get_data(as_text=True)


def test_pages_say_they_vary_by_the_browsers_language(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "es"})
    assert "Accept-Language" in page.headers["Vary"] and "Cookie" in page.headers["Vary"]
    style = client.get("/static/screener.css")
    style.close()
    assert "Accept-Language" not in style.headers.get("Vary", "")
