"""Drive the screener in headless Chromium: start the browser, walk pages like a person, check them."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from itsdangerous import BadSignature
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from screener.security import SessionInterface
from tests.helpers import QUIET, csrf_token, yes_past_safety

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "tests" / "js"  # the JavaScript this suite runs in pages, one file each
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL = "apt-get install chromium chromium-driver default-jre-headless"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
COOKIE = "screener"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--window-size=1280,900",
]
# Paper sizes in inches, for Page.printToPDF.
PAPER = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}


# --- tools ------------------------------------------------------------------------------


@functools.cache
def js(name: str) -> str:
    """Return the script tests/js/NAME.js, read when first needed."""
    return (SCRIPTS / f"{name}.js").read_text(encoding="utf-8")


def tool(name: str) -> str | None:
    """Return the path of a program this suite needs, or None."""
    return shutil.which(name)


# What to install when a program is missing (Debian package names).
PACKAGES = {
    "chromium": INSTALL,
    "chromedriver": INSTALL,
    "java": INSTALL,
    "pdftotext": "apt-get install poppler-utils",
    "pdfinfo": "apt-get install poppler-utils",
    "pdftoppm": "apt-get install poppler-utils",
}
FILES = {"axe": AXE, "vnu": VNU}


def require(*names: str) -> None:
    """Skip (or, with SCREENER_REQUIRE_BROWSER=1 as in CI, fail) when a tool is missing.

    Names are programs on PATH, or "axe" and "vnu" for the files `npm ci` installs.
    """
    missing: dict[str, list[str]] = {}
    for name in names:
        if name in FILES:
            if not FILES[name].is_file():
                npm = missing.setdefault("`scripts/setup test` (npm ci)", [])
                npm.append(str(FILES[name].relative_to(ROOT)))
        elif tool(name) is None:
            missing.setdefault(f"`{PACKAGES.get(name, INSTALL)}`", []).append(name)
    if not missing:
        return
    message = "; ".join(f"{', '.join(found)} not found: run {fix}" for fix, found in missing.items())
    message = f"browser tests: {message}"
    if os.environ.get("SCREENER_REQUIRE_BROWSER") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def start_chromium(profile: Path, javascript: bool = True) -> WebDriver:
    """Start Debian's Chromium headless with a fresh profile (never download a browser)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(tool("chromium"))
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    # No speculative connections: the test server should see only what a person's clicks ask for.
    prefs: dict[str, Any] = {"net.network_prediction_options": 2}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=Service(str(tool("chromedriver"))))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


# --- answering pages --------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """The choices for one question on a page, read from the page itself."""

    name: str
    type: str
    values: tuple[str, ...]
    ids: tuple[str, ...]
    checked: tuple[str, ...]

    @property
    def yesno(self) -> bool:
        return self.type == "radio" and set(self.values) == {"yes", "no", "unsure"}


# A pick says which values to choose for a group, given the section it is on.
Pick = Callable[[str, Group], list[str]]


def quiet(_section: str, group: Group) -> list[str]:
    """Answer as someone with nothing to report: no, none of these, the last choice."""
    if group.name in QUIET:
        return [QUIET[group.name]]
    return ["no"] if group.type == "radio" and "no" in group.values else [group.values[-1]]


def worried(first_section: str) -> Pick:
    """Answer yes outside the first (safety) section, and the first box in each group."""

    def pick(section: str, group: Group) -> list[str]:
        if section == first_section:
            return quiet(section, group)
        if group.yesno:
            return ["yes"]
        if group.type == "checkbox":
            return [group.values[0]]
        return [group.values[-1]]

    return pick


def yes_to(question_id: str, then: Pick = quiet, value: str = "yes") -> Pick:
    """Answer yes (or `value`) to one question, and the rest as `then` would."""

    def pick(section: str, group: Group) -> list[str]:
        return [value] if group.name == question_id else then(section, group)

    return pick


def worried_answers(bank: Any) -> dict[str, Any]:
    """Return the `worried` answers by question id, for the HTTP Walker."""
    return yes_past_safety(bank, lambda question: question.options[0].value)


class Browser:
    """One Chromium session pointed at one server, with the moves a person makes."""

    def __init__(self, driver: WebDriver, base: str, bank: Any = None) -> None:
        self.driver = driver
        self.base = base
        self.bank = bank

    # where we are --------------------------------------------------------------------

    def go(self, path: str) -> None:
        self.driver.get(self.base + path)

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.driver.current_url).path

    @property
    def section_id(self) -> str:
        """Return the id of the section on screen (addresses hold its number, not its name)."""
        assert self.path.startswith("/questions/"), self.path
        last = self.path.rsplit("/", 1)[-1]
        return self.bank.sections[int(last) - 1].id if self.bank and last.isdigit() else last

    def text(self, selector: str = "body") -> str:
        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def find(self, selector: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def script(self, source: str, *args: Any) -> Any:
        return self.driver.execute_script(source, *args)

    def cdp(self, command: str, **params: Any) -> Any:
        return self.driver.execute_cdp_cmd(command, params)

    # cookies -------------------------------------------------------------------------

    def clear_cookies(self) -> None:
        self.cdp("Network.clearBrowserCookies")

    def set_session(self, cookies: Mapping[str, str]) -> None:
        """Put the session cookies (taken from an HTTP walk) into the browser."""
        for name, value in cookies.items():
            self.cdp("Network.setCookie", name=name, value=value, url=self.base + "/", httpOnly=True)

    def session_cookie(self) -> str | None:
        for cookie in self.driver.get_cookies():
            if cookie["name"] == COOKIE:
                return str(cookie["value"])
        return None

    # moves ---------------------------------------------------------------------------

    def then_load(self, action: Callable[[], None]) -> None:
        """Do something that loads a new page, and wait until it has."""
        page = self.find("html")
        action()
        wait = WebDriverWait(self.driver, 15, ignored_exceptions=(WebDriverException,))
        wait.until(expected_conditions.staleness_of(page))  # a new document has replaced this one
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def click(self, element: WebElement) -> None:
        """Click like a person: scrolled into view, in the middle of the element."""
        self.script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def click_to_load(self, element: WebElement) -> None:
        self.then_load(lambda: self.click(element))

    def groups(self) -> list[Group]:
        return [
            Group(g["name"], g["type"], tuple(g["values"]), tuple(g["ids"]), tuple(g["checked"]))
            for g in self.script(js("groups"))
        ]

    def choose(self, group: Group, value: str) -> None:
        """Click the label of one choice."""
        input_id = group.ids[group.values.index(value)]
        self.click(self.find(f'label[for="{input_id}"]'))

    def submit(self) -> None:
        """Press the page's main button (Start, Continue, or go on after an emergency)."""
        self.click_to_load(self.find("main form button[type=submit]"))

    def start(self, audience: str) -> None:
        self.go("/")
        (group,) = [g for g in self.groups() if g.name == "audience"]
        self.choose(group, audience)
        self.submit()

    def answer_page(self, pick: Pick) -> dict[str, Any]:
        """Answer every question on a section page by clicking labels, then Continue."""
        section = self.section_id
        chosen: dict[str, Any] = {}
        for group in self.groups():
            values = pick(section, group)
            for value in values:
                self.choose(group, value)
            chosen[group.name] = values if group.type == "checkbox" else values[0]
        self.submit()
        return chosen

    def walk(self, audience: str, pick: Pick = quiet, limit: int = 40) -> tuple[list[str], dict[str, Any]]:
        """Start a check and answer page after page until check answers."""
        self.start(audience)
        return self.walk_on(pick, limit)

    def walk_on(self, pick: Pick = quiet, limit: int = 40) -> tuple[list[str], dict[str, Any]]:
        """Go on answering from the page we are on until check answers."""
        visited: list[str] = []
        answers: dict[str, Any] = {}
        for _ in range(limit):
            visited.append(self.path)
            if self.path == "/check-answers":
                return visited, answers
            if self.path.startswith("/now/"):
                self.submit()
            elif self.path.startswith("/questions/"):
                answers.update(self.answer_page(pick))
            else:
                raise AssertionError(f"the walk ended up on {self.path}: {self.text('main')[:300]}")
        raise AssertionError(f"the walk did not reach check answers: {visited}")

    # what the server sent ------------------------------------------------------------

    def served(
        self, path: str | None = None, data: dict[str, Any] | None = None, cookies: str | None = None
    ) -> tuple[int, str]:
        """Fetch the HTML the server sends for a page, with this browser's cookies (or `cookies`).

        `driver.page_source` is the DOM after parsing and scripts, not what was served.
        """
        url = self.base + (path if path is not None else self.path)
        if cookies is None:
            cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Cookie": cookies})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()

    def served_error_state(self) -> tuple[int, str]:
        """Post the current form with no answers, as the browser did, and return the page its
        redirect shows (Post/Redirect/Get: the errors come back in the session cookie)."""
        _, html = self.served()
        cookies = {c["name"]: c["value"] for c in self.driver.get_cookies()}
        body = urllib.parse.urlencode({"csrf_token": csrf_token(html)}).encode()
        request = urllib.request.Request(
            self.base + self.path,
            data=body,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *_args: Any) -> None:
                return None

        try:
            urllib.request.build_opener(NoRedirect).open(request, timeout=30)
            raise AssertionError("a failed post should redirect to its page")
        except urllib.error.HTTPError as error:
            with error:
                assert error.code == 303, error.code
                location = error.headers["Location"]
                for header in error.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    cookies[name] = rest.split(";", 1)[0]
        return self.served(
            urllib.parse.urlsplit(location).path, cookies="; ".join(f"{k}={v}" for k, v in cookies.items())
        )


def session_data(cookie: str | None, secret: str) -> dict[str, Any]:
    """Read a session cookie (checking its signature) with the app's own serializer."""
    if not cookie:
        return {}
    app = Flask(__name__)
    app.secret_key = secret
    serializer = SessionInterface().get_signing_serializer(app)
    assert serializer is not None
    try:
        data = serializer.loads(cookie)
    except BadSignature as error:
        raise AssertionError(f"the session cookie is not one the app signed: {error}") from None
    return dict(data)


# --- speech ---------------------------------------------------------------------------

# The device's voices in the recorded engine: one for each language the site speaks.
VOICES = [["en-US", "Test English"], ["es-US", "Test Spanish"]]


@contextlib.contextmanager
def speech_engine(browser: Browser, **settings: Any) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Put a recorded speechSynthesis (tests/js/speech_stub.js) in every page loaded meanwhile.

    Settings: `voices` ([[lang, name], ...], VOICES if not given), `absent` (no speech
    synthesis at all), `hold` (each utterance speaks until cancelled). Yields a function that
    returns what was said and cancelled, in order, on this site's pages.
    """
    settings.setdefault("voices", VOICES)
    if not browser.driver.current_url.startswith(browser.base):
        browser.go("/privacy")
    browser.script("sessionStorage.removeItem('speech-log')")  # what earlier tests said
    source = js("speech_stub").replace("SETTINGS", json.dumps(settings))
    added = browser.cdp("Page.addScriptToEvaluateOnNewDocument", source=source)["identifier"]

    def said() -> list[dict[str, Any]]:
        if not browser.driver.current_url.startswith(browser.base):
            browser.go("/privacy")  # the log is this site's (sessionStorage keeps it per site)
        return list(json.loads(browser.script("return sessionStorage.getItem('speech-log') || '[]'")))

    try:
        yield said
    finally:
        browser.cdp("Page.removeScriptToEvaluateOnNewDocument", identifier=added)
        if browser.driver.current_url.startswith(browser.base):
            browser.script("sessionStorage.removeItem('speech-log')")


# --- accessibility and HTML -------------------------------------------------------------


def axe_violations(browser: Browser) -> list[dict[str, Any]]:
    """Run axe-core on the page for WCAG 2.2 A and AA; return its violations."""
    if not browser.script("return typeof window.axe === 'object'"):
        browser.script(AXE.read_text(encoding="utf-8"))
    result = browser.driver.execute_async_script(js("axe_run"), AXE_TAGS)
    return list(result)


def describe_violations(page: str, violations: Iterable[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{page}: {v['id']} ({v.get('impact')}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {(node.get('summary') or '').replace(chr(10), ' ')}")
    return "\n".join(lines)


def vnu_errors(files: list[Path]) -> list[str]:
    """Run the Nu Html Checker once over the files; return its errors, one line each."""
    result = subprocess.run(
        [str(tool("java")), "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        return [f"vnu did not run (exit {result.returncode}): {result.stderr[-2000:]}"]
    return [
        f"{Path(urllib.parse.urlsplit(m.get('url', '')).path).name}:{m.get('lastLine', '?')}: "
        f"{m.get('type')}: {m.get('message')} | {m.get('extract', '').strip()}"
        for m in messages
    ]


# --- layout -----------------------------------------------------------------------------


def set_viewport(
    browser: Browser, width: int, height: int = 800, scale: float = 1, scrollbars: bool = True
) -> None:
    """Emulate an exact CSS viewport (headless window sizes include browser chrome).

    Below 600px the viewport is a phone's: a mobile layout with overlay scrollbars.
    """
    browser.cdp(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=scale,
        mobile=width < 600 and scale == 1,
    )
    browser.cdp("Emulation.setScrollbarsHidden", hidden=not scrollbars)


def reset_viewport(browser: Browser) -> None:
    browser.cdp("Emulation.clearDeviceMetricsOverride")
    browser.cdp("Emulation.setScrollbarsHidden", hidden=False)


def layout_problems(browser: Browser) -> list[str]:
    """Return what spills over the right edge, and targets smaller than 24x24 CSS px."""
    found = browser.script(js("layout"))
    problems = []
    if found["scrollWidth"] > found["width"]:
        problems.append(
            f"scrolls sideways: {found['scrollWidth']}px wide in a {found['width']}px viewport "
            f"(innerWidth {found['innerWidth']})"
        )
    problems += [f"overflows: {item}" for item in found["overflowing"][:15]]
    problems += [f"target too small: {item}" for item in found["small"]]
    return problems


# --- focus ------------------------------------------------------------------------------


def transparent(color: str) -> bool:
    parts = color.replace(" ", "").removeprefix("rgba(").removesuffix(")").split(",")
    return color == "transparent" or (color.startswith("rgba(") and float(parts[-1]) == 0)


def focus_visible(focused: dict[str, str], unfocused: dict[str, str]) -> bool:
    """Tell whether focus changes how an element looks: an outline, a shadow or a fill."""
    outline = (
        focused["outline-style"] != "none"
        and not focused["outline-width"].startswith("0")
        and not transparent(focused["outline-color"])
    )
    outline_changed = outline and any(
        focused[p] != unfocused[p] for p in ("outline-style", "outline-width", "outline-color")
    )
    shadow_changed = focused["box-shadow"] != unfocused["box-shadow"] and focused["box-shadow"] != "none"
    fill_changed = focused["background-color"] != unfocused["background-color"]
    return outline_changed or shadow_changed or fill_changed


# --- screenshots and print --------------------------------------------------------------


def full_page_png(browser: Browser) -> bytes:
    """Capture the whole document, not just the viewport."""
    metrics = browser.cdp("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    width = browser.script("return document.documentElement.clientWidth")
    shot = browser.cdp(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1},
    )
    return base64.b64decode(shot["data"])


def print_pdf(browser: Browser, paper: str) -> bytes:
    width, height = PAPER[paper]
    pdf = browser.cdp(
        "Page.printToPDF",
        paperWidth=width,
        paperHeight=height,
        printBackground=False,
        preferCSSPageSize=False,
        displayHeaderFooter=False,
    )
    return base64.b64decode(pdf["data"])


def pdf_pages(path: Path) -> int:
    info = subprocess.run(
        [str(tool("pdfinfo")), str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(path: Path) -> str:
    return subprocess.run(
        [str(tool("pdftotext")), str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def pdf_to_pngs(path: Path, prefix: Path, resolution: int = 60) -> list[Path]:
    """Render each page of a PDF as prefix-1.png, prefix-2.png, ..."""
    subprocess.run(
        [str(tool("pdftoppm")), "-png", "-r", str(resolution), str(path), str(prefix)], check=True, timeout=60
    )
    # pdftoppm pads page numbers to the width of the page count (-1, or -01 for 10+ pages).
    pages = sorted(prefix.parent.glob(prefix.name + "-*.png"))
    renamed = []
    for page in pages:
        number = int(page.stem.rsplit("-", 1)[1])
        target = prefix.parent / f"{prefix.name}-{number}.png"
        page.rename(target)
        renamed.append(target)
    return renamed
