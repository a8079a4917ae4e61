"""The results page: what to do first, short cards, sources once, help that fits the reader."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from screener import plan, rules
from screener.bank import Bank
from screener.regions import REGIONS
from tests.helpers import HEAVY_BUYER, TWO_PATTERNS, Walker, heavy_walks, make_app, now_url

WALKS = ["buyer", "parent", "intake"]
DIAGNOSTIC = r"diagnos|disorder|addict|\byou have (a|an|opioid)|mild|moderate|severe"


def results_page(audience: str, answers: dict[str, Any], **config: Any) -> BeautifulSoup:
    client = make_app(**config).test_client()
    Walker(client).complete(audience, answers)
    response = client.get("/results")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.fixture(scope="module")
def heavy(bank: Bank) -> dict[str, BeautifulSoup]:
    return {name: results_page(audience, answers) for name, (audience, answers) in heavy_walks(bank).items()}


def helpline_names(soup: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True) for h in soup.select("main .resources .resource__name")]


@pytest.mark.parametrize("walk", WALKS)
def test_what_to_do_next_comes_first_with_one_to_three_actions_each_with_a_way_to_act(
    heavy: dict[str, BeautifulSoup], walk: str
) -> None:
    main = heavy[walk].main
    parts = main.find_all(["section", "div", "details"], recursive=False)
    first = parts[0]
    if walk == "intake":
        # The counselor's desk (issue 22): the record and its tools first, then what to tell the client.
        assert "intake-fold" in first["class"], f"{walk}: the page starts with {first.get('class')}"
        first = next(p for p in parts if "next-steps" in p["class"])
    assert "next-steps" in first["class"], f"{walk}: the page starts with {first.get('class')}"
    meaning = first.select_one(".next-steps__meaning").get_text(" ", strip=True)
    assert meaning.endswith(".") and meaning.count(".") == 1, meaning
    assert not re.search(DIAGNOSTIC, meaning, re.I), meaning
    steps = first.select(".next-step")
    assert 1 <= len(steps) <= 3
    titles = [s.select_one(".next-step__title").get_text(strip=True) for s in steps]
    assert len(set(titles)) == len(titles), titles
    for step in steps:
        assert step.select('a[href^="tel:"], a[href^="sms:"], a[href^="/learn/"]'), step
    assert first.select('a[href^="tel:"]'), f"{walk}: no number to call in the first panel"
    assert first.select_one("a.js-print-link"), "no print or save link in the panel"


def test_a_person_buying_pills_is_told_naloxone_and_never_use_alone_first(
    heavy: dict[str, BeautifulSoup],
) -> None:
    soup = heavy["buyer"]
    titles = [t.get_text(strip=True) for t in soup.select(".next-step__title")]
    assert titles[:2] == ["Get naloxone today.", "Never use alone."], titles
    assert helpline_names(soup)[0] == "Never Use Alone"
    assert "test strips" in soup.select_one("#finding-1").find_parent("section").get_text()


def test_a_family_member_is_pointed_to_samhsa_first_and_never_to_never_use_alone_first(
    heavy: dict[str, BeautifulSoup],
) -> None:
    soup = heavy["parent"]
    names = helpline_names(soup)
    assert names[0] == "SAMHSA National Helpline", names
    assert names.index("Never Use Alone") == len(names) - 1
    assert "Never use alone" not in soup.select_one(".next-steps").get_text()


# Issue 24, theme 4: the daughter of a 78-year-old on prescribed oxycodone, lorazepam and
# gabapentin, newly confused, who may have taken an extra dose by mistake.
CARER = {
    "what_used": ["rx_opioid"],
    "their_age": "age_65_plus",
    "takes_for_pain": "yes",
    "has_prescription": "yes",
    "how_long": "over_three",
    "med_effects": ["confused", "very_sleepy", "extra_dose"],
    "more_often": "unsure",
    "bigger_dose": "unsure",
    "physical_signs": ["drowsy"],
    "mixes_with": ["sedatives", "gabapentin"],
    "uses_alone": "yes",
    "has_naloxone": "no",
}


def test_a_carer_of_a_parent_on_prescribed_pills_is_pointed_to_the_prescriber_and_poison_help() -> None:
    soup = results_page("other", CARER)
    names = helpline_names(soup)
    assert names[:2] == ["Their prescriber and pharmacist", "Poison Help"], names
    assert "Never Use Alone" not in names
    assert "CRAFT" not in soup.select_one("main").get_text()
    first = soup.select_one("#finding-1").get_text(strip=True)
    assert first.endswith("Confused or very sleepy after their medicine"), first


def test_a_prescribed_pain_patient_is_pointed_to_the_prescriber_and_pharmacist_first() -> None:
    soup = results_page("self", TWO_PATTERNS["self"])
    assert helpline_names(soup)[0] == "Your prescriber and pharmacist"
    assert soup.select(".next-step__title")[0].get_text(strip=True).startswith("Talk with your prescriber")


@pytest.mark.parametrize("walk", WALKS)
def test_the_samhsa_helpline_block_appears_once(heavy: dict[str, BeautifulSoup], walk: str) -> None:
    assert helpline_names(heavy[walk]).count("SAMHSA National Helpline") == 1


@pytest.mark.parametrize("walk", WALKS)
def test_each_source_is_listed_once_at_the_end_and_each_card_links_to_its_own(
    heavy: dict[str, BeautifulSoup], walk: str, bank: Bank
) -> None:
    soup = heavy[walk]
    listed = [a["href"] for a in soup.select("#sources li > a")]
    assert listed and len(listed) == len(set(listed)), "a source is listed twice"
    contact = {a["href"] for a in soup.select(".resource__ways a")}
    for url in listed:
        count = sum(1 for a in soup.select("a[href]") if a["href"] == url)
        assert count == 1 + (url in contact), f"{url} appears {count} times"
    audience = heavy_walks(bank)[walk][0]
    titles = {f.title.get(audience): f for f in bank.findings if audience in f.audiences}
    assert len(titles) == len([f for f in bank.findings if audience in f.audiences]), "two titles alike"
    numbers = {li["id"]: li.a["href"] for li in soup.select("#sources li")}
    for card in soup.select("section.pattern"):
        heading, level = card.h2.get_text(" ", strip=True), card.h2.select_one(".care-card__level")
        assert heading.startswith(level.get_text(" ", strip=True) + " "), heading  # the level, then the title
        title = heading.removeprefix(level.get_text(" ", strip=True) + " ")
        finding = titles[title]
        cited = {numbers[a["href"][1:]] for a in card.select(".source-refs a")}
        assert cited == {s.url for s in finding.sources}, title
        assert not card.select('a[href^="http"]'), f"{title}: a source link inside the card"


@pytest.mark.parametrize("walk", WALKS)
def test_addresses_in_the_page_stay_neutral(heavy: dict[str, BeautifulSoup], walk: str) -> None:
    soup = heavy[walk]
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    targets = [a["href"] for a in soup.select("a[href]") if a["href"].startswith(("#", "/"))]
    for word in ids + targets:
        assert not re.search(r"overdos|suicid|addict|naloxone|opioid", word, re.I), word


@pytest.mark.parametrize("walk", WALKS)
def test_why_lists_no_no_answer_unless_it_is_the_sign_itself(
    heavy: dict[str, BeautifulSoup], walk: str
) -> None:
    for card in heavy[walk].select("section.pattern"):
        title = card.h2.get_text(" ", strip=True)
        for answer in card.select(".triggers li"):
            if answer.select_one(".triggers__a").get_text(strip=True) == "Answered: No":
                question = answer.select_one(".triggers__q").get_text(strip=True)
                assert "naloxone" in question.lower() and "naloxone" in title.lower(), (title, question)


def test_a_shared_step_is_said_once(heavy: dict[str, BeautifulSoup]) -> None:
    for soup in heavy.values():
        steps = [li.get_text(" ", strip=True) for li in soup.select("section.pattern .list--bullet li")]
        assert len(steps) == len(set(steps))


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_a_result_with_no_pattern_has_its_own_lede(audience: str) -> None:
    soup = results_page(audience, {})
    assert "did not match the patterns" in soup.select_one(".next-steps__meaning").get_text()
    assert "not an all-clear" in soup.select_one(".no-pattern").get_text()
    assert not soup.select(".patterns__intro, section.pattern")
    assert soup.select(".next-steps a[href^='tel:']")


# Sure answers to the choice questions, whose quiet default in the Walker is their last option.
SURE = {
    "their_age": "over_25",
    "how_long": "over_three",
    "use_frequency": "daily",
    "last_use": "today",
    "dose_up_effect": "no_increase",
    "dose_down_effect": "no_decrease",
    "pregnant": "no",
}


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_many_not_sure_answers_get_a_kind_line_in_every_audience(audience: str) -> None:
    unsure = {
        "more_for_same": "unsure",
        "same_dose_less": "unsure",
        "craving": "unsure",
        "time_spent": "unsure",
        "gave_up": "unsure",
    }
    kind = results_page(audience, {**SURE, **unsure}).select_one(".kind-line")
    assert kind is not None, audience
    # The region's line to talk things through, and no crisis line for a person in no crisis.
    assert "normal" in kind.get_text() and "the SAMHSA Helpline" in kind.get_text(), kind.get_text()
    assert "988" not in kind.get_text()
    one = results_page(audience, {**SURE, "craving": "unsure"})
    assert one.select_one(".kind-line") is None and "1 answer was “Not sure”" in one.get_text()
    # Three of some forty answers is not "many": the count, plainly.
    three = results_page(audience, {**SURE, "craving": "unsure", "gave_up": "unsure", "time_spent": "unsure"})
    assert three.select_one(".kind-line") is None and "3 answers were “Not sure”" in three.get_text()


def test_in_canada_the_strip_and_the_first_helplines_are_canadian() -> None:
    soup = results_page("self", HEAVY_BUYER, REGION="CA")
    strip = soup.select_one(".emergency-strip").get_text(" ", strip=True)
    assert "call 911" in strip and "9-8-8" in strip, strip
    assert soup.select_one('.emergency-strip a[href="sms:988"]')
    names = helpline_names(soup)
    assert names[:3] == [
        "9-8-8 Suicide Crisis Helpline (Canada)",
        "Emergency services in Canada (911)",
        "National Overdose Response Service (Canada)",
    ], names
    panel = soup.select_one(".next-steps")
    assert panel.select_one('a[href="tel:18886886677"]'), "Never use alone should call NORS in Canada"
    assert "SAMHSA" not in panel.get_text()


def test_in_the_uk_every_page_leads_with_999_and_the_help_page_still_lists_every_region() -> None:
    client = make_app(REGION="UK").test_client()
    start = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    strip = start.select_one(".emergency-strip")
    assert strip.select_one('a[href="tel:999"]') and strip.select_one('a[href="tel:116123"]')
    help_page = client.get("/help").get_data(as_text=True)
    for name in ("United States", "Canada", "United Kingdom"):
        assert name in help_page


@pytest.mark.parametrize("value", ["FR", "", "us", "1"])
def test_an_unknown_region_stops_start_up_with_a_clear_message(value: str) -> None:
    with pytest.raises(SystemExit, match="SCREENER_REGION"):
        make_app(REGION=value)


def test_the_default_region_is_the_united_states() -> None:
    soup = BeautifulSoup(make_app().test_client().get("/").get_data(as_text=True), "html.parser")
    strip = soup.select_one(".emergency-strip")
    assert strip.select_one('a[href="tel:911"]') and strip.select_one('a[href="sms:988"]')


# --- the plan, without the app -------------------------------------------------------------


def report_for(bank: Bank, audience: str, answers: dict[str, Any]) -> rules.Report:
    clean = {k: tuple(v) if isinstance(v, list) else v for k, v in answers.items()}
    return rules.evaluate(bank, clean, audience)


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_region_gives_actions_with_someone_to_call(bank: Bank, region: str) -> None:
    for audience, answers in heavy_walks(bank).values():
        report = report_for(bank, audience, answers)
        actions = plan.actions(report, audience, REGIONS[region], bank)
        assert 1 <= len(actions) <= 3 and any(a.resource for a in actions)
        assert len({a.key for a in actions}) == len(actions)


def test_the_meaning_counts_patterns_and_says_how_many_need_action_today(bank: Bank) -> None:
    report = report_for(bank, "self", HEAVY_BUYER)
    assert plan.meaning(report, "self") == (
        "Your answers show nine patterns worth talking about, and one of them needs action today."
    )


@pytest.mark.parametrize(
    ("region", "first"),
    [("US", "SAMHSA National Helpline"), ("CA", "9-8-8 Suicide Crisis Helpline (Canada)")],
)
def test_the_no_opioids_end_page_still_works_and_leads_with_the_regions_helplines(
    region: str, first: str
) -> None:
    client = make_app(REGION=region).test_client()
    Walker(client).complete("self", {"what_used": ["none"]})
    response = client.get("/results")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "page-end" in soup.body["class"]
    assert helpline_names(soup)[0] == first


def test_in_the_uk_the_overdose_page_calls_999() -> None:
    page = make_app(REGION="UK").test_client().get(now_url("overdose_now")).get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one('main a.button--call[href="tel:999"]')
    assert not soup.select('main a[href="tel:911"]')


def test_in_the_uk_no_page_of_the_check_says_911() -> None:
    client = make_app(REGION="UK").test_client()
    for path in ("/", now_url("overdose_now"), now_url("overdose_self_now")):
        page = client.get(path).get_data(as_text=True)
        assert "911" not in page, path
        assert 'href="tel:999"' in page, path
    Walker(client).complete("other", {"with_them_now": "yes", "overdose_signs_now": "yes"})
    assert "911" not in client.get("/results").get_data(as_text=True)


def test_a_worried_parent_is_told_of_craft_after_the_first_helplines(
    walker: Walker, client: FlaskClient
) -> None:
    """A parent who has seen many signs hears of a family approach, not only of helplines."""
    walker.complete("other", {"behavior_signs": ["secretive", "avoiding"], "craving": "unsure"})
    page = client.get("/results").get_data(as_text=True)
    help_part = page[page.index('id="help-title"') :]
    assert "CRAFT" in help_part and "without threats" in help_part
    assert help_part.index("SAMHSA") < help_part.index("CRAFT"), "SAMHSA leads for a family member"
    talking = re.search(r'href="(/learn/[0-9]+)">How to start a caring talk', help_part)
    assert talking, "no neutral link to the talking page"
    learn_page = client.get(talking.group(1)).get_data(as_text=True)
    assert "CRAFT (Community Reinforcement and Family Training)" in learn_page
    # Only for family members: a person checking on themselves is not sent to family training.
    walker.client.post("/exit")
    walker.complete("self", {"craving": "yes"})
    assert "CRAFT" not in client.get("/results").get_data(as_text=True)


def test_one_pill_at_a_party_weeks_ago_is_talk_soon_not_action_today() -> None:
    """A rare use long past: the fake-pill facts, as "talk soon", and no "action today"."""
    party = {
        "what_used": ["street_pills"],
        "takes_for_pain": "no",
        "has_prescription": "no",
        "how_long": "under_month",
        "use_frequency": "less_often",
        "last_use": "this_month",
        "for_high": "yes",
        "mixes_with": ["alcohol"],
        "uses_alone": "no",
        "has_naloxone": "no",
    }
    soup = results_page("self", party)
    (card,) = [h for h in soup.select("main h2.care-card__heading") if "overdose" in h.get_text()]
    assert card.select_one(".care-card__level").get_text(strip=True) == "Worth talking about soon", card
    assert "action today" not in soup.select_one(".next-steps__meaning").get_text()
    assert "One fake pill can be enough to kill" in soup.get_text()
    daily = results_page("self", {**party, "use_frequency": "daily", "last_use": "today"})
    (card,) = [h for h in daily.select("main h2.care-card__heading") if "overdose" in h.get_text()]
    assert card.select_one(".care-card__level").get_text(strip=True).startswith("Urgent")


@pytest.mark.parametrize(
    ("region", "law"),
    [
        ("US", "Almost every US state has a Good Samaritan law"),
        ("CA", "the Good Samaritan Drug Overdose Act can protect you"),
        ("UK", None),  # no such law in the UK: nothing is said, never a US law with 999 in it
    ],
)
def test_the_overdose_page_names_only_the_law_where_it_is_read(region: str, law: str | None) -> None:
    page = make_app(REGION=region).test_client().get(now_url("overdose_now")).get_data(as_text=True)
    main = BeautifulSoup(page, "html.parser").select_one("main")
    body = " ".join(main.get_text(" ").split())
    if law is None:
        assert "Good Samaritan" not in body, body
    else:
        assert law in body, body[:400]


def test_an_english_page_does_not_say_its_sources_are_in_english(heavy: dict[str, BeautifulSoup]) -> None:
    """The note is for other languages (the macros cannot see the page's `language`)."""
    for name, soup in heavy.items():
        assert "Sources are named as published" not in soup.get_text(), name
