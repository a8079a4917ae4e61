"""Count the bytes each kind of page sends, and the stylesheets (issue 26).

Run with `scripts/bench --bytes`. It builds the app as gunicorn does (CSRF on) and asks, as a
returning visitor would: the start page, a question page and check-answers of a heavy check, the
heaviest results page for a person (English and Spanish) and for a counselor, the client copy,
the overdose page, and the stylesheets. It prints each body's bytes as sent and gzipped (what
nginx sends when it compresses).
"""

from __future__ import annotations

import gzip
import secrets
import sys
from typing import Any

from bench_http import heavy_answers

from screener import answers, create_app, i18n, rules
from screener.bank import Bank


def main(_argv: list[str]) -> None:
    app = create_app({"SECRET_KEY": secrets.token_hex(32), "SESSION_COOKIE_SECURE": False})
    bank: Bank = app.extensions["bank"]
    acknowledged = {f.id for f in bank.findings if f.interrupts}

    def client_for(audience: str, given: dict[str, Any] | None, language: str = "en") -> Any:
        client = app.test_client()
        with client.session_transaction() as session:
            if given is not None:
                answers.save(session, bank, answers.Saved(audience, dict(given), set(acknowledged)))
            session[answers.LANGUAGE] = i18n.LANGUAGES.index(language)
        return client

    heavy = heavy_answers(bank, "self")
    steps = rules.visible_sections(bank, heavy, "self")
    middle = len(steps) // 2
    half = {q.id: heavy[q.id] for _, questions in steps[:middle] for q in questions}
    question = f"/questions/{[s.id for s in bank.sections].index(steps[middle][0].id) + 1}"
    counselor = heavy_answers(bank, "counselor")
    pages = [
        ("start page", client_for("self", None), "/"),
        ("question page", client_for("self", half), question),
        ("check answers", client_for("self", heavy), "/check-answers"),
        ("results (heaviest)", client_for("self", heavy), "/results"),
        ("results, Spanish", client_for("self", heavy, "es"), "/results"),
        ("counselor summary", client_for("counselor", counselor), "/results"),
        ("client copy", client_for("counselor", counselor), "/results/client-copy"),
        ("overdose page", client_for("self", None), "/now/1"),
        ("screener.css", client_for("self", None), "/static/screener.css"),
        ("print.css", client_for("self", None), "/print.css"),
    ]
    print(f"{'page':<22}{'bytes':>9}{'gzip':>9}")
    for name, client, path in pages:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} {response.location}")
        body = response.get_data()
        response.close()
        print(f"{name:<22}{len(body):>9,}{len(gzip.compress(body, 6)):>9,}")


if __name__ == "__main__":
    main(sys.argv[1:])
