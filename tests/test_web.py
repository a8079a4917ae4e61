"""Walk every audience from the start page to the results, with CSRF on."""

from __future__ import annotations

import re
from html import escape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from screener import answers
from screener.bank import Bank, questions_in
from tests.conftest import Walker, csrf_token, form_fields


def emergency_question(bank: Bank, finding_id: str) -> str:
    finding = next(f for f in bank.findings if f.id == finding_id)
    return next(questions_in(finding.when))


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("audience", "heading"), [
    ("self", "Your results"),
    ("other", "Results for the person you are worried about"),
    ("counselor", "Intake screening summary"),
])
def test_each_audience_walks_from_start_to_results(
    walker: Walker, client: FlaskClient, audience: str, heading: str
) -> None:
    visited = walker.complete(audience, {})
    assert visited[0] == "/questions/safety"
    assert visited[-1] == "/check-answers"
    check = text_of(client.get("/check-answers"))
    assert check.count(">Change<") >= 10
    results = client.get("/results")
    assert results.status_code == 200
    page = text_of(results)
    assert heading in page
    assert page.count("Only a clinician") == 1
    assert "Free, confidential help" in page
    assert 'href="tel:' in page
    if audience == "counselor":
        assert "Areas to explore in a full assessment" in page
    else:
        assert "Areas to explore" not in page


def test_no_signs_means_no_finding_and_no_all_clear(walker: Walker, client: FlaskClient) -> None:
    walker.complete("self", {})
    page = text_of(client.get("/results"))
    assert "care-card--" not in page
    assert "That is not an all-clear" in page
    assert "you are fine" not in page.lower()


def test_the_start_page_says_what_this_is(client: FlaskClient) -> None:
    page = text_of(client.get("/"))
    for words in ("about 5 minutes", "This is not a diagnosis", "Nothing is stored",
                  'href="tel:911"', "Exit this page", "Clear my answers"):
        assert words in page


def test_skip_logic_asks_about_pain_only_when_it_applies(walker: Walker) -> None:
    without = walker.complete("self", {"takes_for_pain": "no"})
    assert "/questions/pain" not in without
    walker.client.post("/exit")
    with_pain = walker.complete("self", {"takes_for_pain": "yes"})
    assert "/questions/pain" in with_pain


def test_change_from_check_answers_returns_there_and_back_shows_the_change(
    walker: Walker, client: FlaskClient, bank: Bank, app: Flask
) -> None:
    walker.complete("self", {"takes_for_pain": "no"})
    section = bank.questions["takes_for_pain"].section
    check = text_of(client.get("/check-answers"))
    assert f'href="/questions/{section}?change=1#takes_for_pain"' in check
    page = client.get(f"/questions/{section}?change=1")
    assert 'class="back-link" href="/check-answers"' in text_of(page)
    data = {name: ([f["values"][-1]] if f["type"] == "checkbox" else "no")
            for name, f in form_fields(text_of(page)).items()}
    with client.session_transaction() as session:
        saved = answers.load(session, bank)
    for name in data:
        if name in saved.answers:
            value = saved.answers[name]
            data[name] = list(value) if isinstance(value, tuple) else value
    data["takes_for_pain"] = "yes"
    response = walker.post(f"/questions/{section}?change=1", data)
    # A new page of questions now applies, so it comes before check answers.
    assert response.location == "/questions/pain"
    rest = list(walker.answer_all_from("/questions/pain"))
    assert rest[-1] == "/check-answers"
    # Back to the changed page: the new answer is the one shown.
    back = text_of(client.get(f"/questions/{section}"))
    assert re.search(r'name="takes_for_pain" type="radio" value="yes" checked', back)


def test_a_change_that_hides_questions_drops_their_answers(
    walker: Walker, client: FlaskClient, bank: Bank
) -> None:
    walker.complete("self", {"takes_for_pain": "yes"})
    with client.session_transaction() as session:
        before = answers.load(session, bank)
    pain_ids = {q.id for q in next(s for s in bank.sections if s.id == "pain").questions}
    assert pain_ids & set(before.answers)
    section = bank.questions["takes_for_pain"].section
    page = text_of(client.get(f"/questions/{section}?change=1"))
    data = {}
    for name in form_fields(page):
        value = before.answers[name]
        data[name] = list(value) if isinstance(value, tuple) else value
    data["takes_for_pain"] = "no"
    response = walker.post(f"/questions/{section}?change=1", data)
    assert response.location == "/check-answers"
    with client.session_transaction() as session:
        after = answers.load(session, bank)
    assert not pain_ids & set(after.answers)
    assert "/questions/pain" not in text_of(client.get("/check-answers"))


@pytest.mark.parametrize(("finding_id", "answer", "must_say"), [
    ("overdose_now", "yes", ["911", "naloxone"]),
    ("suicide_thoughts", "now", ["988"]),
])
def test_an_emergency_interrupts_at_once_and_can_be_continued(
    walker: Walker, client: FlaskClient, bank: Bank, finding_id: str, answer: str, must_say: list[str]
) -> None:
    question = emergency_question(bank, finding_id)
    walker.start("self")
    page = text_of(client.get("/questions/safety"))
    data = {name: (answer if name == question else "no") for name in form_fields(page)}
    response = walker.post("/questions/safety", data)
    assert response.location == f"/now/{finding_id}"
    now = text_of(client.get(response.location))
    for words in must_say:
        assert words.lower() in now.lower()
    assert now.index("Emergency") < now.index("What to do now")
    # Other pages send the person back here until they choose to go on.
    assert client.get("/results").location == f"/now/{finding_id}"
    going_on = walker.post(f"/now/{finding_id}", {})
    assert going_on.location == "/questions/use"
    # After the walk, the results open with calm after-care, not a live alarm.
    walker_rest = list(walker.answer_all_from(going_on.location))
    assert walker_rest[-1] == "/check-answers"
    results = text_of(client.get("/results"))
    assert results.index(f'id="aftercare-{finding_id}"') < results.index("Free, confidential help")
    assert "care-card--emergency" not in results


def test_an_emergency_page_is_open_to_anyone(client: FlaskClient) -> None:
    page = text_of(client.get("/now/overdose_now"))
    assert 'href="tel:911"' in page
    assert "Go on with the questions" not in page
    assert client.get("/now/misuse_pattern").status_code == 404


def test_a_refused_answer_shows_an_error_summary_and_keeps_the_rest(
    walker: Walker, client: FlaskClient
) -> None:
    walker.start("self")
    page = text_of(client.get("/questions/safety"))
    names = list(form_fields(page))
    first, others = names[0], names[1:]
    response = walker.post("/questions/safety", {name: "no" for name in others})
    assert response.status_code == 400
    body = text_of(response)
    assert re.search(r"<title>Error: ", body)
    assert 'class="error-summary"' in body
    assert f'<a href="#{first}">Select yes, no or not sure</a>' in body
    assert f'id="{first}-error"' in body
    for name in others:
        assert re.search(rf'name="{name}" type="radio" value="no" checked', body)


def test_none_of_these_must_stand_alone(walker: Walker, client: FlaskClient, bank: Bank) -> None:
    multi = next(q for q in bank.questions.values()
                 if q.type == "multi" and q.none and "self" in q.audiences and q.when is None
                 and bank.sections[bank.section_index[q.section]].when is None)
    assert multi.none is not None
    pages = []
    for url in walker.answer_all("self", {}):
        pages.append(url)
        if url == f"/questions/{multi.section}":
            break
    page = text_of(client.get(f"/questions/{multi.section}"))
    data = {name: ([f["values"][-1]] if f["type"] == "checkbox" else "no")
            for name, f in form_fields(page).items()}
    data[multi.id] = [multi.none.value, multi.options[0].value]
    response = walker.post(f"/questions/{multi.section}", data)
    assert response.status_code == 400
    assert "on its own" in text_of(response)


def test_clear_my_answers_forgets_everything(walker: Walker, client: FlaskClient) -> None:
    walker.complete("counselor", {})
    page = text_of(client.get("/check-answers"))
    response = client.post("/clear", data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Your answers have been cleared" in text_of(response)
    assert client.get("/check-answers").status_code == 302
    assert client.get("/results").status_code == 302
    assert "Carry on where you left off" not in text_of(client.get("/"))


def test_exit_this_page_leaves_for_a_neutral_site(walker: Walker, client: FlaskClient, app: Flask) -> None:
    walker.complete("other", {})
    response = client.post("/exit")
    assert response.status_code == 303
    assert response.location == app.config["EXIT_URL"]
    assert client.get("/results").status_code == 302


def test_pages_out_of_order_go_to_where_the_person_is(walker: Walker, client: FlaskClient) -> None:
    assert client.get("/questions/safety").location == "/"
    assert client.get("/results").location == "/"
    walker.start("self")
    assert client.get("/results").location == "/questions/safety"
    assert client.get("/questions/pain").location == "/questions/safety"
    assert client.get("/questions/nope").status_code == 404


def test_saved_answers_offer_to_carry_on(walker: Walker, client: FlaskClient) -> None:
    walker.start("other")
    page = text_of(client.get("/"))
    assert "Carry on where you left off" in page
    assert re.search(r'value="other" checked', page)


def test_learn_and_help_pages(client: FlaskClient, bank: Bank) -> None:
    for page_id in ("tolerance", "dependence", "addiction", "hyperalgesia", "overdose", "treatment"):
        page = client.get(f"/learn/{page_id}")
        assert page.status_code == 200
        assert "Sources" in text_of(page)
    help_page = text_of(client.get("/help"))
    for resource in bank.resources.values():
        assert escape(resource.name) in help_page
        if resource.phone:
            assert f'href="{resource.tel}"' in help_page
    assert "994-1867" not in help_page and "780-9619" not in help_page


def test_error_pages_share_the_design(client: FlaskClient) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "Exit this page" in text_of(page)


def test_several_missing_answers_each_name_their_question(walker: Walker, client: FlaskClient) -> None:
    walker.start("other")
    response = walker.post("/questions/safety", {})
    assert response.status_code == 400
    body = text_of(response)
    links = re.findall(r'<a href="#([a-z_]+)">Select (?:yes, no or not sure|one of the answers)'
                       r'<span class="error-summary__question">: ([^<]+)</span></a>', body)
    assert [name for name, _ in links] == list(form_fields(text_of(client.get("/questions/safety"))))
    assert all(question.endswith("?") for _, question in links)
