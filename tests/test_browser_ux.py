"""In Chromium, at a phone's 360px and a desk's 1280px, in each language: a shared phone that
tells nothing, no silent expiry, errors that show their question, after-care, a short check
answers, results that say each thing once, and the counselor's desk (issue 22).
"""

# ruff: noqa: F811  (the suite's fixtures, imported by name, are test arguments here)
from __future__ import annotations

import re
from pathlib import Path

import pytest

from screener.answers import AUDIENCE
from screener.i18n import LANGUAGES
from tests.browser import (
    Browser,
    axe_violations,
    describe_violations,
    js,
    pdf_pages,
    pdf_text,
    print_pdf,
    require,
    session_data,
    set_viewport,
)
from tests.helpers import SECRET
from tests.test_browser import (  # noqa: F401
    CRISIS_STATES,
    TELLING,
    Site,
    Stop,
    browser,
    chrome,
    site,
    sites,
    visit,
)

pytestmark = pytest.mark.browser

# Told of thoughts of suicide in the past month, went on past the calm 988 panel, then said no
# opioids: the short end page.
CRISIS_STATES["pastmonthnone"] = {"suicide_thoughts_q": "past_month", "what_used": ["none"]}

# A phone's first screen and a desk's.
SCREENS = {360: (360, 640), 1280: (1280, 800)}
WIDTHS = list(SCREENS)
# Words a title on a shared phone must never hold, in either language.
TELLS = re.compile(TELLING.pattern + r"|opioid|opioide|droga|drug", re.IGNORECASE)


def on_screen(browser: Browser, selector: str) -> bool:
    box = browser.script(js("box"), browser.find(selector))
    return bool(box["top"] >= 0 and box["bottom"] <= box["viewport"])


def no_axe_violations(browser: Browser, page: str) -> None:
    require("axe")
    violations = axe_violations(browser)
    assert not violations, describe_violations(page, violations)


def screen(browser: Browser, width: int) -> None:
    set_viewport(browser, *SCREENS[width])


# --- a shared phone tells nothing -------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_start_page_title_is_neutral_and_says_closing_the_tab_does_not_clear(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: the title was "Check on opioid use"; the tab note sat after Start."""
    screen(browser, width)
    visit(browser, sites[language], Stop("start", "/"))
    assert not TELLS.search(browser.driver.title), browser.driver.title
    assert on_screen(browser, ".tab-note"), "the tab note is below the first screen"
    assert on_screen(browser, ".button--start")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_return_to_saved_answers_offers_start_again_first_and_shows_no_answer(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: it offered "Carry on where you left off", with the audience chosen."""
    site = sites[language]
    screen(browser, width)
    visit(browser, site, Stop("return", "/", "self-pastmonth"))
    buttons = browser.all("main .resume .button")
    assert [b.get_attribute("class") for b in buttons][:2] == [
        "button resume__delete",
        "button button--secondary resume__continue",
    ]
    assert on_screen(browser, ".resume__delete") and on_screen(browser, ".resume__continue")
    assert on_screen(browser, ".resume"), "the tab note in the panel is on the first screen"
    assert not browser.all("main input:checked"), "who the check was for is not shown"
    assert not browser.all("main .summary-list"), "no answer is shown"
    assert not TELLS.search(browser.driver.title)
    no_axe_violations(browser, "return")
    browser.click_to_load(browser.find(".resume__delete"))
    assert browser.path == "/"
    assert AUDIENCE not in session_data(browser.session_cookie(), SECRET)
    assert not browser.all("main .resume")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_no_opioids_end_page_has_a_neutral_title_and_the_after_care_first(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: titled "No opioids in the past year", and no after-care card."""
    site = sites[language]
    screen(browser, width)
    visit(browser, site, Stop("end", "/results", "self-pastmonthnone"))
    assert "page-end" in (browser.find("body").get_attribute("class") or "")
    assert not TELLS.search(browser.driver.title), browser.driver.title
    care = browser.all("main .aftercare")
    assert len(care) == 1, "the past-month 988 after-care card"
    first_card = browser.find("main .care-card")
    assert "aftercare" in (first_card.get_attribute("class") or "")
    assert browser.all("main .aftercare a[href='tel:988']")
    no_axe_violations(browser, "end")


# --- no silent expiry ---------------------------------------------------------------------------

# Timers longer than a minute are recorded, not run, so a test can fire the warning at once.
RECORD_TIMERS = """
window.__timers = [];
const realSetTimeout = window.setTimeout;
window.setTimeout = function (callback, delay, ...rest) {
  if (delay > 60000) { window.__timers.push({callback, delay}); return -window.__timers.length; }
  return realSetTimeout(callback, delay, ...rest);
};
"""
IDLE_WORDS = {"en": "30 minutes", "es": "30 minutos"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_warning_comes_two_minutes_before_the_answers_are_cleared(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: no warning, and no page said when the answers would be cleared."""
    site = sites[language]
    screen(browser, width)
    script = browser.cdp("Page.addScriptToEvaluateOnNewDocument", source=RECORD_TIMERS)
    try:
        visit(browser, site, Stop("question", "/questions/1", "self-started"))
        note = browser.find(".site-footer .idle-note")
        assert note.is_displayed() and IDLE_WORDS[language] in note.text, "said plainly, without scripts too"
        delays = browser.script("return window.__timers.map(t => t.delay)")
        assert len(delays) == 2, delays
        assert abs(delays[0] - (30 * 60 - 120) * 1000) <= 61_000, "the warning, 2 minutes before"
        assert abs(delays[1] - (30 * 60 + 1) * 1000) <= 61_000, "then away from the answers"
        browser.script("window.__timers[0].callback()")
        dialog = browser.find("#timeout")
        assert dialog.is_displayed() and on_screen(browser, "#timeout")
        assert browser.script("return document.getElementById('timeout').contains(document.activeElement)")
        no_axe_violations(browser, "timeout warning")
        browser.find("#timeout .js-keep").click()
        assert not browser.script("return document.getElementById('timeout').open")
        for _ in range(50):  # the clock restarts when the server has answered
            delays = browser.script("return window.__timers.map(t => t.delay)")
            if len(delays) == 4:
                break
            browser.script("return new Promise(r => requestAnimationFrame(r))")
        assert delays[2:] == [(30 * 60 - 120) * 1000, (30 * 60 + 1) * 1000], delays
    finally:
        browser.cdp("Page.removeScriptToEvaluateOnNewDocument", identifier=script["identifier"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_calm_panel_keeps_the_answers_while_it_is_open_and_counts_nothing_down(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: it said "Your answers are still here", true only for 30 minutes."""
    site = sites[language]
    screen(browser, width)
    visit(browser, site, Stop("question", "/questions/1", "self-started"))
    for group in browser.groups():
        pick = next(v for v in ("past_month", "no", group.values[-1]) if v in group.values)
        browser.choose(group, pick)
    browser.submit()
    assert browser.path.startswith("/now/"), browser.path
    assert not browser.all("#timeout"), "no countdown while someone may be on a call"
    form = browser.find("main .continue-form")
    assert form.is_displayed()
    assert {"en": "while this page is open", "es": "mientras esta página esté abierta"}[language] in form.text


# --- errors that show the question ------------------------------------------------------------

WHERE_FOCUS_IS = """
const focused = document.activeElement;
const legend = focused.querySelector('legend');
const box = legend ? legend.getBoundingClientRect() : {top: -1, bottom: -1};
const bar = document.querySelector('.exit-this-page__button').getBoundingClientRect();
return {tag: focused.tagName, id: focused.id, top: box.top, bottom: box.bottom, bar: bar.bottom,
        viewport: window.innerHeight};
"""


def question_in_view(browser: Browser, question_id: str) -> None:
    where = browser.script(WHERE_FOCUS_IS)
    assert where["tag"] == "FIELDSET" and where["id"] == question_id, where
    assert where["bar"] <= where["top"] and where["bottom"] <= where["viewport"], f"legend hidden: {where}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_error_links_land_on_the_question_below_the_exit_bar_and_back_never_resubmits(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: the links focused the first input (its legend above the screen, or under
    the bar), and Back after a corrected error was Chromium's "Confirm Form Resubmission"."""
    site = sites[language]
    screen(browser, width)
    visit(browser, site, Stop("question", "/questions/1", "self-started"))
    browser.submit()  # nothing chosen
    assert browser.path == "/questions/1"
    assert browser.script("return performance.getEntriesByType('navigation')[0].type") != "reload"
    links = browser.all("#error-summary a")
    assert len(links) >= 2
    for link in (links[-1], links[0]):
        target = link.get_attribute("href").rsplit("#", 1)[1]
        browser.click(link)
        question_in_view(browser, target)
    for group in browser.groups():  # now answer, go on, and come Back
        browser.choose(group, next(v for v in ("no", group.values[-1]) if v in group.values))
    browser.submit()
    assert browser.path != "/questions/1"
    browser.then_load(browser.driver.back)
    assert browser.path == "/questions/1", browser.driver.title
    assert browser.all("#exit-this-page"), "a page of ours, with Exit, not a resubmission prompt"
    assert not browser.all("#error-summary")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_change_link_lands_on_its_question_below_the_exit_bar(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: "Change" opened the page at the first input, the legend above the screen."""
    site = sites[language]
    screen(browser, width)
    visit(browser, site, Stop("check answers", "/check-answers", "self-worried"))
    changes = [a.get_attribute("href") for a in browser.all("main a[href*='change=1#']")]
    href = changes[len(changes) // 2]
    browser.go(href.split(site.base, 1)[1])
    question_in_view(browser, href.rsplit("#", 1)[1])


# --- a short check answers ------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_check_answers_is_short_with_the_results_button_first_and_last(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: 46 rows open, 8,439px (en, 360px), "See the results" only at the bottom."""
    site = sites[language]
    screen(browser, width)
    visit(browser, site, Stop("check answers", "/check-answers", "self-worried"))
    buttons = browser.all("main a.button[href='/results']")
    assert len(buttons) == 2
    assert on_screen(browser, "main a.button[href='/results']"), "See the results on the first screen"
    parts = browser.all("main details.answers-part")
    assert parts and not [p for p in parts if p.get_attribute("open")], "each part starts closed"
    numbers = [p.find_element("css selector", ".answers-part__number").text for p in parts]
    assert numbers[0].endswith(f"1 {'of' if language == 'en' else 'de'} {len(parts)}"), numbers
    height = browser.script("return document.documentElement.scrollHeight")
    assert height <= 3000, f"{height}px"
    browser.click(parts[1].find_element("css selector", "summary"))
    rows = parts[1].find_elements("css selector", ".summary-list__row")
    assert rows and all(r.is_displayed() for r in rows)
    assert parts[1].find_element("css selector", ".summary-list__actions a").is_displayed()
    no_axe_violations(browser, "check answers")


# --- the counselor's desk ---------------------------------------------------------------------

TIME = re.compile(r"\b[0-2][0-9]:[0-5][0-9]\b")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_counselors_desk_shows_the_tools_and_the_record_first(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: at 1280px the summary began at y 709 and the tools at y 4,973 (heaviest),
    below big phone-style call buttons; the record had no start time or duration."""
    site = sites[language]
    screen(browser, width)
    visit(browser, site, Stop("desk", "/results", "counselor-heaviest"))
    if width >= 1024:
        assert on_screen(browser, "main .desk-tools"), "the tools, on the first screen"
        tools = [a.get_attribute("href") for a in browser.all("main .desk-tools a")]
        assert any(h.endswith("#notes-text") for h in tools) and any(
            h.endswith("#next-client") for h in tools
        )
        assert any("/results/client-copy" in h for h in tools) and any("/results/fhir" in h for h in tools)
    else:
        assert on_screen(browser, "#summary-title"), "the record, on the first screen"
    order = browser.script(
        "const y = s => document.querySelector(s).getBoundingClientRect().top;"
        "return [y('#summary-title'), y('#tools-title'), y('#next-title')];"
    )
    assert order == sorted(order), f"record, then tools, then what to tell the client: {order}"
    timing = browser.find("main .record-time").text
    assert TIME.search(timing), timing
    assert timing in browser.find("#notes-text").get_attribute("value")
    calls = browser.script(
        "return [...document.querySelectorAll('main .next-step__buttons a')].map(a => "
        "({h: a.getBoundingClientRect().height, bg: getComputedStyle(a).backgroundColor}))"
    )
    assert calls
    if width >= 1024:
        assert all(c["h"] < 44 and c["bg"] in ("rgba(0, 0, 0, 0)", "transparent") for c in calls), calls
    else:
        assert all(c["h"] >= 44 for c in calls), "a phone keeps its big buttons"
    no_axe_violations(browser, "counselor desk")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_printed_page_of_the_record_has_the_client_line_and_its_number(
    browser: Browser, sites: dict[str, Site], language: str, tmp_path: Path
) -> None:
    """Fails on 6ce9b11: page 2 had neither the client's ID line nor a page number."""
    require("pdftotext", "pdfinfo")
    site = sites[language]
    visit(browser, site, Stop("desk", "/results", "counselor-heaviest"))
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(print_pdf(browser, "Letter"))
    pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
    count = pdf_pages(pdf)
    assert len(pages) == count >= 2
    client_line = {"en": "Client name or ID", "es": "Nombre o ID"}[language]
    page_word = {"en": "Page {n} of {m}", "es": "Página {n} de {m}"}[language]
    for n, page in enumerate(pages, 1):
        text = " ".join(page.split())
        assert client_line in text, f"page {n}: {text[:200]}"
        assert page_word.format(n=n, m=count) in text, f"page {n}: {text[-200:]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_heaviest_client_copy_prints_on_one_page_in_either_language(
    browser: Browser, sites: dict[str, Site], language: str, tmp_path: Path
) -> None:
    """Fails on 6ce9b11: about 30 bullets; two pages in Spanish."""
    require("pdftotext", "pdfinfo")
    visit(browser, sites[language], Stop("client copy", "/results/client-copy", "counselor-heaviest"))
    pdf = tmp_path / "client.pdf"
    pdf.write_bytes(print_pdf(browser, "Letter"))
    assert pdf_pages(pdf) == 1
    text = " ".join(pdf_text(pdf).split())
    assert "988" in text and {"en": "Next appointment", "es": "Próxima cita"}[language] in text
    assert len(browser.all("main .client-steps li")) <= 3


# --- results that say each thing once ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_heavy_results_name_the_most_pressing_pattern_first_and_say_each_answer_once(
    browser: Browser, sites: dict[str, Site], width: int, language: str
) -> None:
    """Fails on 6ce9b11: the first card's title sat at y 853 (360px), all 8 toggles had the same
    name, and 32 answers were listed where 22 differ."""
    site = sites[language]
    screen(browser, width)
    visit(browser, site, Stop("results", "/results", "self-buyer"))
    first = browser.find("main .next-steps__first a")
    card = browser.find("main section.pattern h2")
    level = card.find_element("css selector", ".care-card__level").text
    assert first.text and card.text.replace(level, "").strip() == first.text
    assert on_screen(browser, "main .next-steps__first")
    names = browser.script(
        "return [...document.querySelectorAll('main .pattern__more summary')]"
        ".map(s => s.textContent.replace(/\\s+/g, ' ').trim())"
    )
    assert len(names) >= 8 and len(set(names)) == len(names), names
    browser.script(js("details"), True)
    answers = [q.text for q in browser.all("main .triggers__q")]
    assert answers and len(set(answers)) == len(answers), "an answer listed twice"
    assert browser.all("main .triggers__also"), "a later pattern names where its answers are"
    no_axe_violations(browser, "results")
