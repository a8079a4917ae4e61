"""The crisis pages on the web: who is there, how acute, the order of the steps, and after-care."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.helpers import Walker, form_fields, learn_url, now_url, section_url


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True))


def main_of(html: str) -> str:
    """Return the page's own content (the emergency strip on every page asks about overdoses)."""
    return html[html.index("<main") : html.index("</main>")]


def answer_safety(walker: Walker, audience: str, **given: str) -> str:
    """Start a check and answer the safety page: `given`, and "no" to the rest; return where it goes."""
    walker.start(audience)
    page = text_of(walker.client.get("/questions/safety"))
    data = {name: given.get(name, "no") for name in form_fields(page)}
    response = walker.post("/questions/safety", data)
    assert response.status_code == 303, text_of(response)[:500]
    return str(response.location)


def go_on_to_results(walker: Walker, interrupt: str) -> str:
    """Press "Go on with the questions", answer the rest, and return the results page."""
    going_on = walker.post(interrupt, {})
    assert going_on.location == section_url("substances")
    assert list(walker.answer_all_from(going_on.location))[-1] == "/check-answers"
    results = walker.client.get("/results")
    assert results.status_code == 200
    return text_of(results)


# --- who is present ---------------------------------------------------------------------


def test_a_family_member_far_away_who_is_not_sure_reaches_the_results(walker: Walker) -> None:
    where = answer_safety(walker, "other", with_them_now="no", overdose_signs_now="unsure")
    assert where == section_url("substances")
    visited = list(walker.answer_all_from(where, acknowledge=False))
    assert visited[-1] == "/check-answers" and not [p for p in visited if p.startswith("/now/")]
    results = main_of(text_of(walker.client.get("/results")))
    assert "overdosing" not in results and "aftercare-" not in results
    # Instead: how to check on them from far away.
    bank = walker.client.application.extensions["bank"]
    check_on_them = next(f for f in bank.findings if f.id == "overdose_check_on_them")
    assert check_on_them.title.get("other") in results
    assert "ask someone near them to check on them" in results


def test_a_family_member_who_is_there_and_not_sure_is_told_to_treat_it_as_an_overdose(walker: Walker) -> None:
    where = answer_safety(walker, "other", with_them_now="yes", overdose_signs_now="unsure")
    assert where == now_url("overdose_now")


def test_a_family_member_far_away_who_knows_of_signs_is_told_to_call_for_where_they_are(
    walker: Walker,
) -> None:
    where = answer_safety(walker, "other", with_them_now="no", overdose_signs_now="yes")
    assert where == now_url("overdose_now")
    assert "Give the exact address where they are" in text_of(walker.client.get(where))


def test_a_family_member_can_say_they_are_not_there_without_lying(walker: Walker) -> None:
    walker.start("other")
    page = text_of(walker.client.get("/questions/safety"))
    assert "No, I am not with them right now" in page
    assert list(form_fields(page))[:2] == ["with_them_now", "overdose_signs_now"]


def test_someone_who_may_have_taken_too_much_is_told_to_call_911_now(walker: Walker) -> None:
    where = answer_safety(walker, "self", took_too_much="yes")
    assert where == now_url("overdose_self_now")
    page = text_of(walker.client.get(where))
    assert main_of(page).index('href="tel:911"') < main_of(page).index("What to do now")
    assert "Call 911 now" in page and "Do not take anything more" in page
    results = go_on_to_results(walker, where)
    assert "Earlier you told us you may have taken too much" in results


def test_the_self_question_about_taking_too_much_is_asked_only_of_the_person(walker: Walker) -> None:
    walker.start("self")
    assert "may have taken too much, and do you feel very sleepy or short of breath" in text_of(
        walker.client.get("/questions/safety")
    )
    walker.client.post("/exit")
    walker.start("other")
    assert "took_too_much" not in form_fields(text_of(walker.client.get("/questions/safety")))


# --- the overdose page --------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_the_overdose_page_puts_call_911_then_the_steps_then_the_signs(walker: Walker, audience: str) -> None:
    extra = {"with_them_now": "yes"} if audience == "other" else {}
    where = answer_safety(walker, audience, overdose_signs_now="yes", **extra)
    page = text_of(walker.client.get(where))
    main = main_of(page)
    order = [
        'class="button button--call button--warning" href="tel:911"',
        "What to do now",
        "Give naloxone",
        "start CPR now",
        "Give another dose",
        "onto their side",
        "Stay with them",
        "Signs of an overdose",
        "Good Samaritan",
        "withdrawal",
        "xylazine",
        "cold water",
    ]
    places = [main.index(words) for words in order]
    assert places == sorted(places), order
    assert "CPR if you know how" not in page, "CPR is for anyone; only the breaths need training"
    assert "Poison Help" not in page
    assert main.index("Go on with the questions") > main.index("Sources")
    assert 'class="emergency-strip"' not in page, "the strip repeats what this page says first"


# What a frightened bystander reads, in the order they will do it (AHA 2025: no normal breathing
# -> CPR at once; naloxone when at hand, never delaying CPR). Each key is a step's opening words.
BYSTANDER_ORDER = {
    "en": ["Give naloxone", "start CPR now", "Give another dose", "onto their side", "Stay"],
    "es": ["Dé naloxona", "empiece la RCP", "Dé otra dosis", "póngala de lado", "Quédese"],
}


def overdose_steps(html: str, selector: str) -> list[str]:
    """Return the words of each item of the list `selector` finds in the page's <main>."""
    main = BeautifulSoup(html, "html.parser").main
    assert main is not None
    found = main.select_one(selector)
    assert found is not None, selector
    return [" ".join(item.get_text().split()) for item in found.find_all("li")]


def assert_cpr_before_the_second_dose(steps: list[str], language: str) -> None:
    order = BYSTANDER_ORDER[language]
    places = [next((i for i, step in enumerate(steps) if words in step), -1) for words in order]
    assert -1 not in places and places == sorted(places), (places, steps)
    cpr = steps[places[1]]
    assert ("Do not wait" if language == "en" else "No espere") in cpr, cpr


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_cpr_comes_before_waiting_for_a_second_naloxone_dose(
    walker: Walker, audience: str, language: str
) -> None:
    """A parent who finds their son not breathing reads: naloxone, CPR now, then the next dose."""
    walker.client.get(f"/?lang={language}")
    extra = {"with_them_now": "yes"} if audience == "other" else {}
    where = answer_safety(walker, audience, overdose_signs_now="yes", **extra)
    page = text_of(walker.client.get(where))
    assert_cpr_before_the_second_dose(overdose_steps(page, "ol.steps"), language)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_overdose_learn_page_gives_the_steps_in_the_same_order(
    client: FlaskClient, language: str
) -> None:
    client.get(f"/?lang={language}")
    page = text_of(client.get(learn_url("overdose")))
    heading = "What to do" if language == "en" else "Qué hacer"
    title = BeautifulSoup(page, "html.parser").find(
        lambda tag: tag.name in ("h2", "h3") and tag.get_text(strip=True) == heading
    )
    assert title is not None, heading
    steps = [" ".join(item.get_text().split()) for item in title.find_next(["ol", "ul"]).find_all("li")]
    assert steps[0].startswith("Call 911" if language == "en" else "Llame al 911"), steps
    assert_cpr_before_the_second_dose(steps, language)


# --- thoughts of suicide ----------------------------------------------------------------


def test_thoughts_right_now_reach_the_emergency_page_with_call_text_and_911(walker: Walker) -> None:
    where = answer_safety(walker, "self", suicide_thoughts_q="now")
    assert where == now_url("suicide_thoughts")
    page = text_of(walker.client.get(where))
    assert "care-card--emergency" in page and "Emergency" in page
    for link in ('href="tel:988"', 'href="sms:988"', 'href="tel:911"'):
        assert link in page
    assert main_of(page).index('href="tel:988"') < main_of(page).index("What to do now")
    assert f'href="{learn_url("crisis")}"' in page and f'href="{learn_url("treatment")}"' not in page


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_thoughts_in_the_past_month_reach_a_calm_988_panel_and_go_on(walker: Walker, audience: str) -> None:
    where = answer_safety(walker, audience, suicide_thoughts_q="past_month")
    assert where == now_url("suicide_past_month")
    page = text_of(walker.client.get(where))
    main = main_of(page)
    assert "care-card--calm" in main
    assert "Emergency" not in main and "care-card--emergency" not in main and "button--warning" not in main
    assert 'href="tel:988"' in main and 'href="sms:988"' in main
    assert "naloxone" in main.lower()
    # The way on makes no claim about safety, and comes right after the panel.
    assert ">Go on with the questions<" in main and "safe now" not in main.lower()
    assert main.index("Go on with the questions") < main.index("Sources")
    if audience == "counselor":
        assert "risk protocol" in main
    else:
        assert "Thank you for telling us" in main
    results = main_of(go_on_to_results(walker, where))
    # 988 stays at the top: its call and text links come in the first card, before any pattern.
    assert results.index('id="aftercare-suicide_past_month"') < results.index('href="tel:988"')
    assert results.index('href="sms:988"') < results.index("Free, confidential help")
    assert "On this page" not in results or results.index('href="sms:988"') < results.index("On this page")


def test_not_sure_about_thoughts_of_suicide_does_not_interrupt(walker: Walker) -> None:
    assert answer_safety(walker, "other", suicide_thoughts_q="unsure") == section_url("substances")


# --- after-care -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "given", "interrupt", "title"),
    [
        (
            "self",
            {"overdose_signs_now": "yes"},
            "overdose_now",
            "Earlier you told us someone with you may have overdosed",
        ),
        (
            "other",
            {"with_them_now": "yes", "overdose_signs_now": "unsure"},
            "overdose_now",
            "Earlier you told us they may have overdosed",
        ),
        ("counselor", {"overdose_signs_now": "yes"}, "overdose_now", "Overdose signs reported at intake"),
        (
            "self",
            {"suicide_thoughts_q": "now"},
            "suicide_thoughts",
            "Earlier you told us about thoughts of ending your life",
        ),
        (
            "counselor",
            {"suicide_thoughts_q": "past_month"},
            "suicide_past_month",
            "Thoughts of suicide in the past month, reported at intake",
        ),
    ],
)
def test_after_going_on_the_results_open_with_aftercare_not_a_stale_alarm(
    walker: Walker, audience: str, given: dict[str, str], interrupt: str, title: str
) -> None:
    where = answer_safety(walker, audience, **given)
    assert where == now_url(interrupt)
    main = main_of(go_on_to_results(walker, where))
    assert title in main
    first_card = re.search(r'<section class="care-card[^"]*"', main)
    assert first_card and "aftercare" in first_card.group(0), "the results do not open with after-care"
    for stale in ("may be overdosing", "Possible overdose now", "Emergency: act now", "care-card--emergency"):
        assert stale not in main
    assert main.count("Only a clinician") == 1
    if interrupt == "overdose_now" and audience != "counselor":
        assert "30 to 90 minutes" in main and "tonight" in main


def test_the_counselor_summary_prints_reported_at_intake(walker: Walker) -> None:
    where = answer_safety(walker, "counselor", overdose_signs_now="yes")
    results = go_on_to_results(walker, where)
    card = results[results.index('id="aftercare-overdose_now"') - 200 :]
    card = card[: card.index("</section>")]
    assert "no-print" not in card.split(">", 1)[0], "the after-care card must print"
    assert "reported at intake" in card


# --- text and call links, and the crisis page ---------------------------------------------


def test_every_page_offers_to_call_or_text_988(client: FlaskClient) -> None:
    page = text_of(client.get("/"))
    assert 'href="tel:988"' in page and 'href="sms:988"' in page and 'href="tel:911"' in page


def test_the_helplines_can_be_texted_and_988_says_how_deaf_callers_reach_it(client: FlaskClient) -> None:
    page = text_of(client.get("/help"))
    assert 'href="sms:988"' in page and 'href="sms:435748"' in page
    assert "videophone" in page and "711" in page


def test_the_crisis_page_explains_988_and_a_safety_plan(client: FlaskClient) -> None:
    page = text_of(client.get("/learn/crisis"))
    for words in (
        "What happens when you call or text 988",
        "A simple safety plan",
        "Sources",
        "988lifeline.org",
        "nimh.nih.gov",
    ):
        assert words in page
    assert "crisis" in text_of(client.get("/learn/"))


def test_a_calm_interrupt_is_open_to_anyone_and_other_pages_are_not(client: FlaskClient) -> None:
    page = client.get("/now/suicide_past_month")
    assert page.status_code == 200 and "Go on with the questions" not in text_of(page)
    assert client.get("/now/suicide_unsure").status_code == 404


def test_numbers_written_in_learn_pages_can_be_tapped(client: FlaskClient) -> None:
    treatment = text_of(client.get("/learn/treatment"))
    assert '<a href="tel:18006624357">1-800-662-4357</a>' in treatment
    assert '<a href="tel:18004843731">1-800-484-3731</a>' in text_of(client.get("/learn/overdose"))


def test_call_links_escape_everything_else() -> None:
    from screener.views import call_links

    linked = call_links('<b>x</b> call 1-800-662-4357 & "988"')
    assert linked == (
        '&lt;b&gt;x&lt;/b&gt; call <a href="tel:18006624357">1-800-662-4357</a> &amp; &#34;988&#34;'
    )


def test_a_page_for_another_audience_is_not_shown(walker: Walker) -> None:
    walker.start("other")
    assert walker.client.get("/now/overdose_self_now").status_code == 404
