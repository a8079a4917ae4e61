"""The counselor's intake record: summary block, areas table, local date, copy for notes, client
copy, FHIR download and "Next client"."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from screener import answers, fhir, intake, rules
from screener.bank import Bank
from tests.helpers import Walker, anchor, heaviest_answers, make_app, section_url


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


def soup_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(text_of(response), "html.parser")


def counselor_results(walker: Walker, client: FlaskClient, answers: dict[str, Any]) -> BeautifulSoup:
    walker.complete("counselor", answers)
    response = client.get("/results")
    assert response.status_code == 200
    return soup_of(response)


def table_rows(soup: BeautifulSoup, selector: str) -> dict[str, str]:
    return {
        " ".join(r.th.get_text().split()): " ".join(r.td.get_text().split())
        for r in soup.select(f"{selector} tbody tr")
    }


def test_the_summary_block_comes_first_with_use_and_safety(
    walker: Walker, client: FlaskClient, bank: Bank
) -> None:
    soup = counselor_results(walker, client, heaviest_answers(bank))
    headings = [h.get("id") for h in soup.select("main h2[id]")]
    assert headings.index("summary-title") < headings.index("areas-title")
    assert headings.index("areas-title") < min(i for i, h in enumerate(headings) if h.startswith("finding-"))
    rows = table_rows(soup, ".intake")
    for option in bank.questions["what_used"].options:
        if option.value != "unsure":
            assert option.label.get("counselor") in rows["Opioids used, past 12 months"]
    assert "Injected" in rows["Route, other than swallowed as directed"]
    for label in ("How long", "How often", "Last use", "Opioid prescription"):
        assert rows[label]
    for question in bank.sections[0].for_audience("counselor"):
        assert rows[question.text.get("counselor").rstrip(".")] == "No"
    # What matters for safety, each as reported.
    for label in (
        "Also taken with opioids",
        "Naloxone on hand",
        "Break from opioids, past 2 months",
        "Overdosed before, or given naloxone",
        "Uses alone",
    ):
        assert rows[label], label


def test_the_summary_block_is_made_from_the_bank_s_flags(bank: Bank) -> None:
    flagged = [q.id for q in intake.summary_questions(bank)]
    assert flagged == [
        q.id
        for q in bank.questions.values()
        if "counselor" in q.audiences and (q.summary or q.section == bank.sections[0].id)
    ]
    assert {
        "what_used",
        "how_taken",
        "how_long",
        "use_frequency",
        "last_use",
        "mixes_with",
        "has_naloxone",
        "pregnant",
        "recent_break",
    } <= set(flagged)


def test_the_areas_are_a_table_of_reported_not_reported_and_not_sure(
    walker: Walker, client: FlaskClient, bank: Bank
) -> None:
    chosen = {"craving": "unsure", "cut_down": "tried", "time_spent": "no"}
    soup = counselor_results(walker, client, chosen)
    rows = table_rows(soup, ".areas-table")
    assert len(rows) == len(bank.areas) == 11
    names = {a.id: a.name for a in bank.areas}
    assert rows[names["cutting_down"]] == "Reported"
    assert rows[names["time_spent"]] == "Not reported"
    # "Not sure" names the answer to follow up.
    assert rows[names["craving"]] == f"Not sure: {bank.questions['craving'].text.get('counselor')}"
    table = soup.select_one(".areas").get_text(" ")
    assert not re.search(r"\d+ (of|out of) \d+|score|severity level", table, re.I)


@pytest.mark.parametrize(("prescription", "shows_note"), [("yes", True), ("no", False)])
def test_notes_on_prescribed_use_show_only_with_a_prescription(
    walker: Walker, client: FlaskClient, bank: Bank, prescription: str, shows_note: bool
) -> None:
    chosen = heaviest_answers(bank)
    chosen["has_prescription"] = prescription
    soup = counselor_results(walker, client, chosen)
    note = next(a.note for a in bank.areas if a.id == "tolerance")
    assert (note in soup.select_one(".areas-table").get_text()) == shows_note
    assert (note in soup.select_one("#notes-text").get_text()) == shows_note


def test_the_printed_copy_has_lines_to_fill_in_and_no_typed_client_details(
    walker: Walker, client: FlaskClient
) -> None:
    soup = counselor_results(walker, client, {})
    lines = [p.get_text(" ", strip=True) for p in soup.select(".id-lines.print-only .id-lines__row")]
    assert lines == ["Client name or ID", "Date of birth", "Administered by", "Agency"]
    assert not soup.select("main input[type=text], main input[type=date]")


def test_copy_for_notes_is_read_only_plain_text(walker: Walker, client: FlaskClient, bank: Bank) -> None:
    soup = counselor_results(walker, client, heaviest_answers(bank))
    box = soup.select_one("textarea#notes-text")
    assert box.has_attr("readonly") and soup.select_one('label[for="notes-text"]')
    text = unescape(box.get_text())
    assert text.startswith("Opioid use check: intake screening summary\nDate: ")
    assert "not a diagnosis" in text and "<" not in text
    assert "- How often: " in text and "AREAS TO EXPLORE" in text
    # The copy button is for browsers with scripts; without them the text is there to select.
    button = soup.select_one("button.js-copy")
    assert button.has_attr("hidden") and button["data-copy"] == "notes-text"
    assert soup.select_one('script[src$="counselor.js"]')


def test_self_and_family_results_have_no_counselor_tools(walker: Walker, client: FlaskClient) -> None:
    walker.complete("self", {})
    page = text_of(client.get("/results"))
    for part in ("notes-text", "Next client", "id-lines", "/results/fhir", "client-copy"):
        assert part not in page


# --- the date ---------------------------------------------------------------------------


def local_dates(zone: str) -> set[str]:
    return {intake.local_date(datetime.now(ZoneInfo(zone)))}


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_date_is_local_to_the_deployment(zone: str) -> None:
    # 25 hours apart: whatever the time, these two zones are on different dates.
    app = make_app(TIMEZONE=zone)
    client = app.test_client()
    walker = Walker(client)
    before = local_dates(zone)
    soup = counselor_results(walker, client, {})
    shown = soup.select_one("main .caption").get_text(strip=True)
    assert shown in before | local_dates(zone)
    other = "Pacific/Pago_Pago" if zone == "Pacific/Kiritimati" else "Pacific/Kiritimati"
    assert shown not in local_dates(other)
    assert f"Date: {shown}" in soup.select_one("#notes-text").get_text()


def test_the_default_zone_is_new_york(app: Flask) -> None:
    assert app.config["TIMEZONE"] == intake.DEFAULT_TIMEZONE == "America/New_York"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", ""])
def test_an_unknown_time_zone_stops_start_up_with_a_clear_message(zone: str) -> None:
    with pytest.raises(SystemExit, match="unknown time zone"):
        make_app(TIMEZONE=zone)


# --- FHIR over HTTP ---------------------------------------------------------------------


def test_the_counselor_downloads_the_response_never_cached(
    walker: Walker, client: FlaskClient, bank: Bank
) -> None:
    chosen = heaviest_answers(bank)
    counselor_results(walker, client, chosen)
    response = client.get("/results/fhir")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert re.fullmatch(
        r'attachment; filename="questionnaire-response-\d{4}-\d\d-\d\d\.json"',
        response.headers["Content-Disposition"],
    )
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(text_of(response))
    assert data["resourceType"] == "QuestionnaireResponse"
    assert data["authored"].endswith(("-05:00", "-04:00"))  # New York, in winter or summer
    with client.session_transaction() as session:
        saved = answers.load(session, bank)
    assert fhir.answers_from_response(bank, data, "http://localhost/") == saved.answers


@pytest.mark.parametrize("audience", ["self", "other"])
def test_the_download_is_refused_for_self_and_family(
    walker: Walker, client: FlaskClient, audience: str
) -> None:
    walker.complete(audience, {})
    assert client.get("/results/fhir").status_code == 404
    assert client.get("/results/client-copy").status_code == 404


def test_the_download_needs_a_finished_counselor_check(walker: Walker, client: FlaskClient) -> None:
    assert client.get("/results/fhir").status_code == 404
    walker.start("counselor")
    response = client.get("/results/fhir")
    assert response.status_code == 302 and response.location == section_url("safety")


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_the_questionnaire_has_a_stable_url_and_sets_no_cookie(
    walker: Walker, client: FlaskClient, audience: str
) -> None:
    url = f"/fhir/Questionnaire/opioid-check-{audience}"
    fresh = make_app().test_client().get(url)
    assert fresh.status_code == 200 and fresh.mimetype == "application/fhir+json"
    assert "Set-Cookie" not in fresh.headers
    data = json.loads(text_of(fresh))
    assert data["url"] == f"http://localhost{url}"
    # Not even for someone midway through a check: their answers are neither read nor refreshed.
    walker.complete("counselor", {})
    again = client.get(url)
    assert "Set-Cookie" not in again.headers
    assert json.loads(text_of(again)) == data


def test_the_code_system_is_served_at_its_url_without_a_cookie(
    walker: Walker, client: FlaskClient, bank: Bank
) -> None:
    walker.complete("counselor", {})
    response = client.get("/fhir/CodeSystem/opioid-check-answers")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    assert "Set-Cookie" not in response.headers
    assert json.loads(text_of(response)) == fhir.code_system(bank, "http://localhost/")
    assert client.get("/fhir/CodeSystem/loinc").status_code == 404


def test_public_url_sets_the_canonical_base(bank: Bank) -> None:
    client = make_app(PUBLIC_URL="https://check.example.org").test_client()
    data = json.loads(text_of(client.get("/fhir/Questionnaire/opioid-check-counselor")))
    assert data == fhir.questionnaire(bank, "counselor", "https://check.example.org")


@pytest.mark.parametrize("name", ["opioid-check-parent", "counselor", "opioid-check-", "..%2F"])
def test_an_unknown_questionnaire_is_not_found(client: FlaskClient, name: str) -> None:
    assert client.get(f"/fhir/Questionnaire/{name}").status_code == 404


# --- client copy and next client ------------------------------------------------------


def test_the_client_copy_speaks_to_the_client(walker: Walker, client: FlaskClient, bank: Bank) -> None:
    counselor_results(walker, client, heaviest_answers(bank))
    response = client.get("/results/client-copy")
    assert response.status_code == 200
    page = text_of(response)
    # The few most useful things to do, in the client's words, then helplines and lines to fill in.
    titles = re.findall(r"<li><strong>([^<]+)\.</strong>", page)
    # Three steps to act on, and a line to call after them when none of the three is one.
    assert 1 <= len(titles) <= 4, titles
    assert "Next appointment" in page and "Your counselor" in page
    risk = next(f for f in bank.findings if f.id == "overdose_risk")
    assert unescape(risk.steps.get("counselor")[0]) not in unescape(page)
    assert 'href="tel:' in page and "not a diagnosis" in page
    assert "Client reports" not in page


def test_a_client_with_thoughts_of_suicide_now_takes_home_the_crisis_line_first(
    walker: Walker, client: FlaskClient
) -> None:
    # A client who uses heroin daily reports thoughts of suicide right now; the counselor goes
    # on past the interrupt page. The notes name it first and the handout leads with 988.
    soup = counselor_results(
        walker,
        client,
        {
            "suicide_thoughts_q": "now",
            "what_used": ["heroin"],
            "how_taken": ["injected"],
            "use_frequency": "daily",
            "past_overdose": "yes",
            "has_naloxone": "no",
        },
    )
    notes = unescape(soup.select_one("textarea#notes-text").get_text())
    patterns = notes.split("PATTERNS WORTH EXPLORING\n", 1)[1].splitlines()
    assert patterns[0] == "- Emergency: Thoughts of suicide right now, reported at intake", patterns[:3]
    first_step = soup.select_one(".next-steps__list li")
    assert first_step is not None and "crisis line" in first_step.get_text(), first_step
    page = text_of(client.get("/results/client-copy"))
    steps = re.findall(r"<li><strong>([^<]+)\.</strong>.*?</li>", page, flags=re.S)
    assert steps and steps[0] == "Talk to someone now: free, any hour", steps
    assert re.search(r"<li><strong>Talk to someone now[^<]*</strong>[^<]*988", page)
    helplines = soup_of(client.get("/results/client-copy")).select("section.resources h3")
    assert helplines[0].get_text(strip=True) == "988 Suicide & Crisis Lifeline", helplines


def test_a_client_just_out_of_jail_takes_home_the_lost_tolerance_first(
    walker: Walker, client: FlaskClient
) -> None:
    counselor_results(
        walker,
        client,
        {"what_used": ["heroin"], "recent_break": ["jail"], "uses_alone": "yes", "has_naloxone": "no"},
    )
    page = text_of(client.get("/results/client-copy"))
    steps = re.findall(r"<li><strong>([^<]+)\.</strong>", page)
    assert steps[0] == "After a break, your old amount can kill", steps
    assert "use much less than before" in page


# judge5 C1 and judge6 C2 (round 4): the handout carries the step the client must act on, as
# the counselor's page does, and still a line to call.
PREGNANT_ON_BUPRENORPHINE = {
    "what_used": ["moud"],
    "their_age": "over_25",
    "takes_for_pain": "no",
    "has_prescription": "yes",
    "how_long": "over_three",
    "how_taken": ["none"],
    "use_frequency": "daily",
    "last_use": "today",
    "withdrawal_signs": ["aches", "runny_nose"],
    "mind_without": ["none"],
    "mixes_with": ["none"],
    "uses_alone": "no",
    "recent_break": ["none"],
    "has_naloxone": "no",
    "risk_factors": ["own_past", "trauma"],
    "pregnant": "yes",
}
PAIN_WINE_AND_ZOLPIDEM = {
    "what_used": ["rx_opioid"],
    "their_age": "over_25",
    "takes_for_pain": "yes",
    "has_prescription": "yes",
    "how_long": "over_three",
    "how_taken": ["none"],
    "use_frequency": "daily",
    "last_use": "today",
    "more_for_same": "yes",
    "same_dose_less": "yes",
    "dose_up_effect": "better",
    "withdrawal_signs": ["aches", "yawning", "restless"],
    "mind_without": ["anxious"],
    "mixes_with": ["alcohol", "sedatives"],
    "uses_alone": "yes",
    "recent_break": ["none"],
    "has_naloxone": "no",
    "pregnant": "no",
}


@pytest.mark.parametrize(
    ("answers", "first", "also"),
    [
        (PREGNANT_ON_BUPRENORPHINE, "Stay on your methadone or buprenorphine", ("Get naloxone today",)),
        (
            PAIN_WINE_AND_ZOLPIDEM,
            "Do not mix opioids with alcohol or sedating pills",
            ("Get naloxone today",),
        ),
    ],
    ids=["pregnant on buprenorphine", "pain patient with nightly wine and zolpidem"],
)
def test_the_client_copy_carries_the_step_to_act_on(
    walker: Walker, client: FlaskClient, answers: dict[str, Any], first: str, also: tuple[str, ...]
) -> None:
    counselor_results(walker, client, answers)
    page = text_of(client.get("/results/client-copy"))
    steps = re.findall(r"<li><strong>([^<]+)\.</strong>", page)
    assert steps and steps[0] == first, steps
    for title in also:
        assert title in steps, steps
    assert 'href="tel:' in page


def test_next_client_forgets_everything_and_starts_a_counselor_check(
    walker: Walker, client: FlaskClient, bank: Bank
) -> None:
    counselor_results(walker, client, heaviest_answers(bank))
    # No CSRF token needed: like "Exit this page", it must work from a page left open.
    response = client.post("/next-client")
    assert response.status_code == 303 and response.location == "/?for=counselor"
    with client.session_transaction() as session:
        assert not set(answers.KEYS) & set(session)
    start = client.get(response.location)
    page = text_of(start)
    assert re.search(r'value="counselor" checked', page)
    assert "Ready for the next client" in page
    assert "A check was started on this device" not in page
    assert client.get("/results").status_code == 302


def test_the_record_without_answers_says_so_and_counts_nothing(bank: Bank) -> None:
    record = intake.build(bank, {}, rules.evaluate(bank, {}, "counselor"))
    assert record.summary == () and record.unsure == ()
    assert {area.status for area in record.areas} == {"not_asked"}
    text = intake.as_text(record, "1 January 2027")
    assert "- No answers" in text and "Not asked" in text and "not an all-clear" in text
    assert not re.search(r"\d+ of \d+|score", text)


@pytest.mark.parametrize("choice", ["nobody", "", "counselor%00", "SELF"])
def test_an_unknown_preselected_audience_is_ignored(client: FlaskClient, choice: str) -> None:
    page = client.get(f"/?for={choice}")
    assert page.status_code == 200
    assert " checked" not in text_of(page)


# Asked of the person themselves too, but read aloud in words of their own (`ask:` in the bank):
# "right now" is asked with the past month; a current prescription, as the record says.
OWN_WORDS_ALOUD = {"suicide_thoughts_q", "has_prescription"}


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_question_is_read_aloud_to_the_client_with_the_statement_kept_for_the_record(
    app: Flask, client: FlaskClient, walker: Walker, language: str
) -> None:
    """A counselor reads the client their own question ("Have you…?"), not a statement about
    them; the statement the record keeps stands under it. Only what the counselor sees for
    themselves (overdose signs in front of them) keeps the counselor's own wording."""
    bank: Bank = app.extensions["banks"][language]
    client.get(f"/?lang={language}")
    everything = {"what_used": "rx_opioid", "takes_for_pain": "yes", "has_prescription": "yes"}
    by_anchor = {anchor(q.id): q for q in bank.questions.values() if "counselor" in q.audiences}
    asked = set()
    for url in walker.complete("counselor", everything):
        if url == "/check-answers" or url.startswith("/now/"):
            continue
        for fieldset in soup_of(client.get(url)).select("fieldset[id]"):
            question = by_anchor[fieldset["id"]]
            asked.add(question.id)
            legend = " ".join(fieldset.legend.get_text().split())
            record = fieldset.select_one(f"#{anchor(question.id)}-record")
            if question.id == "overdose_signs_now":
                assert legend == question.text.get("counselor") and record is None
                continue
            assert legend.endswith("?") and "client" not in legend.lower() and "cliente" not in legend.lower()
            if "self" in question.audiences and question.id not in OWN_WORDS_ALOUD:
                assert legend == question.text.get("self")
            assert record is not None, question.id
            assert " ".join(record.get_text().split()).endswith(question.text.get("counselor"))
            assert record["id"] in fieldset["aria-describedby"].split()
    assert len(asked) == len([q for q in bank.questions.values() if "counselor" in q.audiences])
