"""Sources that hold: each source's checked month, the warnings of `flask bank check` for old
ones, and "Content last reviewed" on the pages that show sources."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from flask.testing import FlaskClient

from screener.bank import Bank, BankError, Source, parse
from screener.bank.freshness import MAX_AGE_MONTHS, cited, last_reviewed, months_between, warnings
from screener.cli import bank_cli
from screener.intake import local_month
from tests.helpers import Walker, learn_url, make_app, now_url
from tests.test_bank import mutate


def with_checked(value: Any) -> dict[str, Any]:
    """The mini bank with its first finding's source checked in `value`."""
    return mutate(lambda d: d["findings"][0]["sources"][0].update(checked=value))


def months_before(today: date, months: int) -> str:
    """The year and month so many months before today's, as questions.yaml writes it."""
    index = today.year * 12 + today.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


# --- the checked month in the bank --------------------------------------------------------


def test_every_source_in_the_shipped_bank_has_a_checked_month(bank: Bank) -> None:
    sources = list(cited(bank))
    assert len(sources) > 100
    missing = [where for where, source in sources if source.checked is None]
    assert not missing, f"no 'checked' month: {missing}"


def test_every_shipped_source_was_checked_in_a_month_that_has_come(bank: Bank) -> None:
    assert all(source.checked and source.checked <= date.today() for _, source in cited(bank))


def test_a_checked_month_is_read_as_that_month() -> None:
    source = parse(with_checked("2026-12")).findings[0].sources[0]
    assert source.checked == date(2026, 12, 1)
    assert parse(mutate(lambda _: None)).findings[0].sources[0].checked is None  # optional


@pytest.mark.parametrize(
    ("value", "told"),
    [
        ("December 2026", "got 'December 2026'"),
        ("2026-13", "got '2026-13' (no such month)"),
        ("26-12", "got '26-12'"),
        ("", "got ''"),
        (2026, "got 2026"),
        (date(2026, 12, 4), "got a full date (2026-12-04); write the month only"),
        (["2026-12"], "got a list"),
        (None, "got nothing"),
    ],
)
def test_a_malformed_checked_month_is_a_clear_located_problem(value: Any, told: str) -> None:
    with pytest.raises(BankError) as caught:
        parse(with_checked(value))
    expected = "findings[0].sources[0].checked: expected the year and month it was last checked, like 2026-12"
    assert [p for p in caught.value.problems if p.startswith(expected) and told in p], caught.value.problems


def test_yaml_reads_a_full_date_as_a_date_and_the_bank_still_names_it(tmp_path: Path) -> None:
    text = write(tmp_path, mutate(lambda _: None)).read_text(encoding="utf-8")
    text = text.replace(
        "url: https://example.org/a", "url: https://example.org/a\n    checked: 2026-12-04", 1
    )
    with pytest.raises(BankError) as caught:
        parse(yaml.safe_load(text))
    assert any("got a full date (2026-12-04)" in p for p in caught.value.problems)


# --- how old is too old -------------------------------------------------------------------


def test_months_are_counted_by_the_calendar() -> None:
    assert months_between(date(2025, 6, 1), date(2026, 12, 4)) == 18
    assert months_between(date(2026, 12, 1), date(2026, 12, 31)) == 0
    assert months_between(date(2027, 1, 1), date(2026, 12, 4)) == -1


def test_a_source_is_old_after_18_months_not_at_18() -> None:
    today = date(2026, 12, 4)
    assert MAX_AGE_MONTHS == 18
    assert not [w for w in warnings(parse(with_checked("2025-06")), today) if w.startswith("findings.")]
    old = [w for w in warnings(parse(with_checked("2025-05")), today) if w.startswith("findings.")]
    assert old == [
        "findings.craving_found.sources[0]: https://example.org/a was last checked in 2025-05, "
        "19 months ago (more than 18); check it again and update 'checked'"
    ]


def test_a_missing_or_future_month_is_a_warning_too() -> None:
    today = date(2026, 12, 4)
    missing = warnings(parse(mutate(lambda _: None)), today)
    assert len(missing) == 3 and all("has no 'checked' month" in w for w in missing)
    future = [w for w in warnings(parse(with_checked("2027-01")), today) if w.startswith("findings.")]
    assert future and "2027-01, which is still to come" in future[0]


def test_the_shipped_bank_has_nothing_to_warn_about_when_it_is_checked(bank: Bank) -> None:
    newest = max(source.checked for _, source in cited(bank) if source.checked)
    assert warnings(bank, newest) == []


# --- flask bank check ---------------------------------------------------------------------


def test_bank_check_warns_about_an_old_source_and_still_passes(tmp_path: Path) -> None:
    path = write(tmp_path, with_checked(months_before(date.today(), MAX_AGE_MONTHS + 1)))
    result = CliRunner().invoke(bank_cli, ["check", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: ")
    assert (
        "warning: findings.craving_found.sources[0]: https://example.org/a was last checked in"
        in result.stderr
    )
    assert f"{MAX_AGE_MONTHS + 1} months ago" in result.stderr


def test_bank_check_says_nothing_about_a_fresh_source(tmp_path: Path) -> None:
    def fresh(data: dict[str, Any]) -> None:
        for where in (*data["findings"], *data["learn"], *data["resources"]):
            for source in where["sources"]:
                source["checked"] = months_before(date.today(), 0)

    result = CliRunner().invoke(bank_cli, ["check", str(write(tmp_path, mutate(fresh)))])
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: ")
    assert "warning" not in result.output


def test_bank_check_names_a_malformed_month_as_a_problem_without_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(bank_cli, ["check", str(write(tmp_path, with_checked("Dec 2026")))])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "findings[0].sources[0].checked: expected the year and month it was last checked" in result.stderr
    assert "Traceback" not in result.output


def test_the_shipped_bank_checks_clean_in_both_languages() -> None:
    for options in ([], ["--lang", "es"]):
        result = CliRunner().invoke(bank_cli, ["check", *options])
        assert result.exit_code == 0, result.output
        assert "problem" not in result.output


# --- Content last reviewed ----------------------------------------------------------------


def test_a_page_is_as_fresh_as_its_least_recently_checked_source() -> None:
    sources = [
        Source("a", "https://example.org/a", date(2026, 12, 1)),
        Source("b", "https://example.org/b", date(2025, 3, 1)),
        Source("c", "https://example.org/c"),
    ]
    assert last_reviewed(sources) == date(2025, 3, 1)
    assert last_reviewed(sources[2:]) is None
    assert local_month(date(2025, 3, 1)) == "March 2025"
    assert local_month(date(2026, 12, 1), "es") == "diciembre de 2026"


def reviewed(html: str) -> str:
    start = html.index('<p class="content-reviewed">') + len('<p class="content-reviewed">')
    return html[start : html.index("</p>", start)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_learn_page_says_when_its_content_was_last_reviewed(bank: Bank, language: str) -> None:
    client: FlaskClient = make_app().test_client()
    client.get(f"/learn?lang={language}")
    words = {"en": "Content last reviewed: ", "es": "Contenido revisado por última vez: "}[language]
    for page in bank.learn.values():
        html = client.get(learn_url(page.id)).get_data(as_text=True)
        month = last_reviewed(page.sources)
        assert month is not None
        assert reviewed(html) == words + local_month(month, language)


def test_the_emergency_page_and_the_results_say_when_they_were_last_reviewed(bank: Bank) -> None:
    client = make_app().test_client()
    walker = Walker(client)
    walker.start("self")
    finding = next(f for f in bank.findings if f.id == "overdose_now")
    html = client.get(now_url(finding.id)).get_data(as_text=True)
    assert reviewed(html).startswith("Content last reviewed: ")
    month = last_reviewed(finding.sources)
    assert month is not None and local_month(month) in reviewed(html)

    other = make_app().test_client()
    Walker(other).complete("self", {"use_frequency": "daily"})
    results = other.get("/results").get_data(as_text=True)
    assert results.count('class="content-reviewed"') == 1
    # at the head of the folded list of sources it dates (the phone's page stays as short)
    sources = results.index('id="sources"')
    assert sources < results.index("content-reviewed") < results.index("</details>", sources)


def test_the_about_page_is_as_fresh_as_the_least_recently_checked_source_of_the_bank(
    tmp_path: Path,
) -> None:
    """No date set by hand: the About page's month moves with the sources behind the content."""
    data = yaml.safe_load(Path("questions.yaml").read_text(encoding="utf-8"))
    data["learn"][0]["sources"][0]["checked"] = "2025-08"
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for questions, month in [(None, "December 2026"), (str(path), "August 2025")]:
        app = make_app(**({"QUESTIONS_PATH": questions} if questions else {}))
        page = app.test_client().get("/about").get_data(as_text=True)
        assert f"last checked in {month} or later" in page, month
