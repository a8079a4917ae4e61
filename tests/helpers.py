"""Helpers the tests share: the app with test settings, a client that checks every page it gets,
a walker that answers page after page, neutral addresses, and realistic sets of answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from screener import create_app
from screener.bank import Bank, Question, load
from tests.html_checks import page_problems

# Someone with nothing to report still takes an opioid medicine ("None of these" for what is
# used would end the check at once, on the no-opioids end page) and keeps naloxone at home.
QUIET = {"what_used": "rx_opioid", "has_naloxone": "yes"}
SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


class CheckedClient(FlaskClient):
    """A test client that checks the structure of every HTML page it receives."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = super().open(*args, **kwargs)
        # HEAD and OPTIONS answers have no body to check.
        has_page = response.mimetype == "text/html" and response.status_code != 302
        if has_page and response.get_data():
            csrf = self.application.config.get("WTF_CSRF_ENABLED", True)
            problems = page_problems(response.get_data(as_text=True), csrf=csrf)
            assert not problems, f"{response.request.path}: {problems}"
        return response


_BANK = load()


def section_url(section_id: str, bank: Bank = _BANK) -> str:
    """Return the neutral address of a section: its place in the bank, never its name."""
    return f"/questions/{[s.id for s in bank.sections].index(section_id) + 1}"


def now_url(finding_id: str, bank: Bank = _BANK) -> str:
    """Return the neutral address of an emergency page."""
    return f"/now/{[f.id for f in bank.findings].index(finding_id) + 1}"


def learn_url(page_id: str, bank: Bank = _BANK) -> str:
    """Return the neutral address of a learn page."""
    return f"/learn/{list(bank.learn).index(page_id) + 1}"


def anchor(question_id: str, bank: Bank = _BANK) -> str:
    """Return the neutral id a question's field has in a page."""
    return f"q{list(bank.questions).index(question_id) + 1}"


def make_app(**config: Any) -> Flask:
    settings = {"TESTING": True, "SECRET_KEY": SECRET, "SESSION_COOKIE_SECURE": False}
    settings.update(config)
    app = create_app(settings)
    app.test_client_class = CheckedClient
    return app


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def form_fields(html: str) -> dict[str, dict[str, Any]]:
    """Return the question fields on a page: name -> {type, values}."""
    soup = BeautifulSoup(html, "html.parser")
    fields: dict[str, dict[str, Any]] = {}
    main = soup.find("main")
    for field in main.find_all("input"):
        if field.get("type") not in {"radio", "checkbox"}:
            continue
        entry = fields.setdefault(field["name"], {"type": field["type"], "values": []})
        entry["values"].append(field["value"])
    return fields


class Walker:
    """Walk the screener as a person would, with CSRF tokens taken from each page."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.visited: list[str] = []

    def get(self, url: str) -> Any:
        response = self.client.get(url)
        self.visited.append(url)
        return response

    def post(self, url: str, data: Mapping[str, Any]) -> Any:
        page = self.client.get(url)
        body = dict(data)
        if "csrf_token" not in body and 'name="csrf_token"' in page.get_data(as_text=True):
            body["csrf_token"] = csrf_token(page.get_data(as_text=True))
        return self.client.post(url, data=body)

    def post_with_errors(self, url: str, data: Mapping[str, Any]) -> Any:
        """Post a form that fails; it redirects to itself (Post/Redirect/Get): return that page."""
        response = self.post(url, data)
        assert response.status_code == 303 and response.location == url, (
            response.status_code,
            response.location,
        )
        return self.client.get(response.location)

    def start(self, audience: str) -> str:
        response = self.post("/", {"audience": audience})
        assert response.status_code == 303, response.status_code
        return response.location

    def answer_all(
        self,
        audience: str,
        answers: Mapping[str, Any],
        default: str = "no",
        acknowledge: bool = True,
        limit: int = 40,
    ) -> Iterator[str]:
        """Answer page after page until check answers; yield each URL visited.

        Unlisted yes/no questions get `default`; unlisted multi questions get their
        'none' option; unlisted choice questions get their last option.
        """
        yield from self.answer_all_from(self.start(audience), answers, default, acknowledge, limit)

    def answer_all_from(
        self,
        url: str,
        answers: Mapping[str, Any] | None = None,
        default: str = "no",
        acknowledge: bool = True,
        limit: int = 40,
    ) -> Iterator[str]:
        """Go on answering from `url` until check answers; yield each URL visited."""
        answers = answers or {}
        for _ in range(limit):
            yield url
            if url == "/check-answers":
                return
            if url.startswith("/now/"):
                assert acknowledge, f"stopped at {url}"
                response = self.post(url, {})
                url = response.location
                continue
            page = self.client.get(url)
            assert page.status_code == 200, (url, page.status_code)
            data: dict[str, Any] = {}
            for name, field in form_fields(page.get_data(as_text=True)).items():
                if name in answers:
                    data[name] = answers[name]
                elif name in QUIET:
                    data[name] = QUIET[name]
                elif field["type"] == "checkbox":
                    data[name] = field["values"][-1]
                elif default in field["values"]:
                    data[name] = default
                else:
                    data[name] = field["values"][-1]
            response = self.post(url, data)
            assert response.status_code == 303, (url, response.status_code, data)
            url = response.location
        raise AssertionError("the walk did not reach check answers")

    def complete(self, audience: str, answers: Mapping[str, Any], **options: Any) -> list[str]:
        return list(self.answer_all(audience, answers, **options))


def yes_past_safety(bank: Bank, multi: Callable[[Question], Any]) -> dict[str, Any]:
    """Answer "no" on the safety page and "yes" to every other yes/no question; `multi` answers
    each multi question."""
    first = bank.sections[0].id
    chosen: dict[str, Any] = {}
    for question in bank.questions.values():
        if question.type == "yesno":
            chosen[question.id] = "no" if question.section == first else "yes"
        elif question.type == "multi":
            chosen[question.id] = multi(question)
    return chosen


def heaviest_answers(bank: Bank) -> dict[str, Any]:
    """The longest realistic intake: every sign, every substance and route, no safety emergency.

    Yes to every yes/no question after the safety page, every choice of every multi question
    (but "Not sure"), the first choice of the rest: every area, injecting, a recent release,
    a past overdose, a prescription (so its notes show too).
    """
    chosen = yes_past_safety(bank, lambda q: [o.value for o in q.options if o.value != "unsure"])
    first = bank.sections[0].id
    for question in bank.questions.values():
        if question.type == "choice":
            # No emergency: the safety answers are all "no".
            chosen[question.id] = "no" if question.section == first else question.options[0].value
    if "cut_down" in chosen:
        chosen["cut_down"] = "tried"  # the area, not only a healthy wish to cut down
    # An adult: age adds no sign, only the teen card (tested on its own). With it, the heaviest
    # counselor printout runs two lines of sources onto a third Letter page.
    if "their_age" in chosen:
        chosen["their_age"] = "over_25"
    return chosen


# Three heavy, realistic walks for the results page (issue 11). Unlisted questions take the
# Walker's quiet defaults.
HEAVY_BUYER = {
    # Buys pills, crushes and snorts them, uses alone and with alcohol, has no naloxone.
    "what_used": ["street_pills"],
    "takes_for_pain": "no",
    "has_prescription": "no",
    "how_long": "over_three",
    "how_taken": ["crushed", "snorted"],
    "use_frequency": "daily",
    "last_use": "today",
    "others_pills": "yes",
    "for_high": "yes",
    "more_for_same": "yes",
    "same_dose_less": "yes",
    "dose_up_effect": "no_increase",
    "dose_down_effect": "no_decrease",
    "withdrawal_signs": ["aches", "runny_nose", "sweats_chills", "stomach"],
    "avoid_withdrawal": "yes",
    "mind_without": ["anxious", "sleep"],
    "more_than_meant": "yes",
    "cut_down": "tried",
    "time_spent": "yes",
    "craving": "yes",
    "falling_behind": "yes",
    "trouble_with_people": "yes",
    "gave_up": "yes",
    "risky_use": "yes",
    "self_signs": ["avoiding", "secretive", "money"],
    "mixes_with": ["alcohol"],
    "uses_alone": "yes",
    "has_naloxone": "no",
    "risk_factors": ["mental_health", "trauma"],
    "pregnant": "skip",
}
HEAVY_PARENT = {
    # A parent of a 19-year-old: many signs, blue pills and foil found, much not known.
    "what_used": ["street_pills", "unsure"],
    "their_age": "age_18_to_25",
    "takes_for_pain": "no",
    "has_prescription": "no",
    "how_long": "unsure",
    "how_taken": ["unsure"],
    "use_frequency": "unsure",
    "last_use": "unsure",
    "others_pills": "yes",
    "for_high": "unsure",
    "more_for_same": "unsure",
    "same_dose_less": "unsure",
    "dose_up_effect": "unsure",
    "dose_down_effect": "unsure",
    "withdrawal_signs": ["runny_nose", "sweats_chills", "restless"],
    "avoid_withdrawal": "unsure",
    "mind_without": ["agitated", "sleep"],
    "more_than_meant": "unsure",
    "cut_down": "unsure",
    "time_spent": "yes",
    "craving": "unsure",
    "falling_behind": "yes",
    "trouble_with_people": "yes",
    "gave_up": "yes",
    "risky_use": "unsure",
    "health_problems": "unsure",
    "behavior_signs": ["personality", "avoiding", "secretive", "school_work", "moody", "stealing"],
    "physical_signs": ["appetite", "drowsy", "flu_like", "pupils"],
    "found_items": ["foil", "blue_pills"],
    "mixes_with": ["alcohol", "unsure"],
    "uses_alone": "unsure",
    "recent_break": ["none"],
    "past_overdose": "unsure",
    "has_naloxone": "no",
    "risk_factors": ["family", "mental_health"],
    "pregnant": "no",
}


def heavy_walks(bank: Bank) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return the three heavy walks by name: (audience, answers)."""
    return {
        "buyer": ("self", HEAVY_BUYER),
        "parent": ("other", HEAVY_PARENT),
        "intake": ("counselor", heaviest_answers(bank)),
    }


# Two patterns each, for the one-page print: a pain patient whose pain grows as the dose goes up,
# and a family member who has seen a few changes; neither has naloxone.
TWO_PATTERNS = {
    "self": {
        "what_used": ["rx_opioid"],
        "has_prescription": "yes",
        "takes_for_pain": "yes",
        "pain_worse": "yes",
        "pain_spread": "yes",
        "dose_up_effect": "worse",
        "dose_down_effect": "no_decrease",
        "has_naloxone": "no",
        "how_long": "over_three",
        "use_frequency": "daily",
        "last_use": "today",
        "pregnant": "no",
    },
    "other": {
        "what_used": ["rx_opioid"],
        "has_prescription": "yes",
        "takes_for_pain": "yes",
        "behavior_signs": ["moody", "avoiding"],
        "physical_signs": ["hygiene"],
        "has_naloxone": "no",
        "how_long": "over_three",
        "use_frequency": "daily",
        "last_use": "today",
        "their_age": "over_25",
        "dose_up_effect": "no_increase",
        "dose_down_effect": "no_decrease",
    },
}
