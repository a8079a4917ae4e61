"""The `flask bank` commands."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import click

from . import fhir
from .bank import AUDIENCES, BankError, load, parse
from .bank.freshness import MAX_AGE_MONTHS, warnings
from .bank.i18n import localized
from .bank.model import REGIONS
from .bank.reader import read
from .i18n import DIRECTORY, LANGUAGES


@click.group("bank")
def bank_cli() -> None:
    """Check the question bank."""


@bank_cli.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    "language",
    default=LANGUAGES[0],
    type=click.Choice(LANGUAGES),
    help="Check the bank in this language: built from its catalog, every string translated.",
)
def check(path: Path | None, language: str) -> None:
    """Load a question bank, for every region, and print a summary, or every problem with its place.

    Sources with no checked month, or one more than 18 months old, are printed as warnings:
    the bank is still OK (the app starts), but they need checking again.
    """
    try:
        # The bank as each deployment region reads it: words given per region must hold in all.
        for region in reversed(REGIONS):  # the US, the default, last: its bank is summed up
            try:
                if language == LANGUAGES[0]:
                    bank = load(path, region)
                else:
                    raw = read(path)
                    bank, missing = localized(raw, parse(raw, region=region), DIRECTORY, language, region)
                    if missing:
                        raise BankError(missing)
            except BankError as error:
                raise BankError([f"[{region}] {p}" for p in error.problems]) from None
    except BankError as error:
        click.echo(f"{len(error.problems)} problem(s) in {path or 'questions.yaml'} [{language}]:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    click.echo(f"OK{'' if language == LANGUAGES[0] else f' [{language}]'}: {bank.summary()}")
    old = warnings(bank, date.today())
    if old:
        click.echo(
            f"{len(old)} warning(s): sources to check again (none may be more than "
            f"{MAX_AGE_MONTHS} months old):",
            err=True,
        )
        for warning in old:
            click.echo(f"  warning: {warning}", err=True)


@bank_cli.command("fhir")
@click.argument("audience", required=False, default="counselor", type=click.Choice(AUDIENCES))
@click.option(
    "--bank",
    "path",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Another question bank (default: SCREENER_QUESTIONS_PATH, else questions.yaml).",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Canonical base of the URLs (default: SCREENER_PUBLIC_URL, else http://localhost:8000).",
)
def fhir_questionnaire(audience: str, path: Path | None, base_url: str | None) -> None:
    """Print the bank as a FHIR R4 Questionnaire (JSON) for one audience (default: counselor)."""
    # No app and no secret needed: record-system teams only want the form.
    try:
        bank = load(path or os.environ.get("SCREENER_QUESTIONS_PATH") or None)
    except BankError as error:
        click.echo(
            f"{len(error.problems)} problem(s) in the question bank; run `flask bank check`.", err=True
        )
        raise SystemExit(1) from None
    base = base_url or os.environ.get("SCREENER_PUBLIC_URL") or "http://localhost:8000"
    click.echo(json.dumps(fhir.questionnaire(bank, audience, base), ensure_ascii=False, indent=2))
