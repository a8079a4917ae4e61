"""The rendered text of every vignette's results, kept as a golden file (issue 26).

Making pages faster must not change a word of them. For every vignette in tests/test_vignettes.py
(and the heaviest answers in each region), this renders the results page, and for a counselor
the client copy, in each language, and keeps a hash of each page's text (title, then the body's
text, one line per piece of text). tests/test_golden.py compares the pages with
tests/golden_pages.json.

When a change to the words is meant (a new finding, a reworded step, a new vignette), regenerate:

    .venv/bin/python -m tests.golden --write

To see what changed, dump the texts of both versions and compare them:

    .venv/bin/python -m tests.golden --dump /tmp/after     # on this checkout
    (the same on the old checkout into /tmp/before)
    diff -r /tmp/before /tmp/after

`--dump-html DIR` writes each page's HTML instead, to check that markup stays the same too.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from flask import Flask

from screener import answers, create_app, i18n, intake, keeping, regions, rules
from screener.bank import Bank
from tests import test_vignettes as vignettes
from tests.helpers import SECRET, heaviest_answers

GOLDEN = Path(__file__).with_name("golden_pages.json")
# A fixed "today" and start time, so the counselor's dated record reads the same on every run.
TODAY = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("America/New_York"))


def cases(bank: Bank) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """Yield (name, region, audience, answers) for every vignette, each name once."""
    for name, audience, given, _must, _must_not in vignettes.VIGNETTES:
        yield f"vignette: {name}", "US", audience, vignettes.answers_for(audience, bank, **given)
    for name, audience, given, _must, _must_not in vignettes.CRISIS_VIGNETTES:
        yield f"crisis: {name}", "US", audience, vignettes.answers_for(audience, bank, **given)
    for person in vignettes.PEOPLE:
        given = person.answers
        yield (
            f"person: {person.name}",
            "US",
            person.audience,
            vignettes.answers_for(person.audience, bank, **given),
        )
    for finding in bank.findings:
        for audience in finding.audiences:
            given = vignettes.EVERY_AUDIENCE[finding.id]
            yield (
                f"finding {finding.id}: {audience}",
                "US",
                audience,
                vignettes.answers_for(audience, bank, **given),
            )
    for region in regions.REGIONS:
        for audience in bank.audience_ids:
            yield f"heaviest: {audience} in {region}", region, audience, heaviest_answers(bank)


def page_text(html: str) -> str:
    """The words of a page as a person reads them: the title, then each piece of body text."""
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    body = soup.body or soup
    lines = [" ".join(piece.split()) for piece in body.get_text("\n").split("\n")]
    return "\n".join([title, *(line for line in lines if line)]) + "\n"


def _apps() -> dict[str, Flask]:
    made = {}
    for region in regions.REGIONS:
        made[region] = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": SECRET,
                "SESSION_COOKIE_SECURE": False,
                "WTF_CSRF_ENABLED": False,
                "REGION": region,
            }
        )
    return made


def render_all(text: bool = True) -> dict[str, str]:
    """Return every page's text (or its HTML), keyed "name | language | page"."""
    apps = _apps()
    texts: dict[str, str] = {}
    started = keeping.started
    began = int(TODAY.timestamp()) - 12 * 60
    clock = SimpleNamespace(time=lambda: TODAY.timestamp())
    with (
        mock.patch.object(intake, "local_now", lambda _zone: TODAY),
        # The counselor's record says when the check began and how long it took: 12 minutes.
        mock.patch.object(keeping, "started", lambda _created, zone: started(began, zone)),
        mock.patch.object(keeping, "time", clock),
    ):
        for name, region, audience, given in cases(apps["US"].extensions["bank"]):
            app = apps[region]
            bank: Bank = app.extensions["bank"]
            kept = rules.relevant_answers(bank, given, audience)
            interrupts = {f.id for f in bank.findings if f.interrupts}
            for language in i18n.LANGUAGES:
                client = app.test_client()
                with client.session_transaction() as session:
                    # Every interrupt counts as seen and gone on past, as it must be to get here.
                    answers.save(session, bank, answers.Saved(audience, dict(kept), set(interrupts)))
                    session[answers.LANGUAGE] = i18n.LANGUAGES.index(language)
                pages = ["/results"] + (["/results/client-copy"] if audience == intake.AUDIENCE else [])
                for page in pages:
                    response = client.get(page)
                    key = f"{name} | {language} | {page}"
                    if response.status_code != 200:
                        texts[key] = f"{response.status_code} {response.location}\n"
                    else:
                        html = response.get_data(as_text=True)
                        texts[key] = page_text(html) if text else html
    return texts


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def main(argv: list[str]) -> None:
    texts = render_all(text=argv[:1] != ["--dump-html"])
    if argv[:1] == ["--write"]:
        GOLDEN.write_text(
            json.dumps({k: digest(v) for k, v in texts.items()}, indent=1, ensure_ascii=False) + "\n"
        )
        print(f"wrote {len(texts)} pages to {GOLDEN}")
    elif argv[:1] in (["--dump"], ["--dump-html"]) and len(argv) == 2:
        out = Path(argv[1])
        out.mkdir(parents=True, exist_ok=True)
        for key, text in texts.items():
            safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in key)
            (out / f"{safe}.txt").write_text(text)
        print(f"wrote {len(texts)} pages to {out}")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
