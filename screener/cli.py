"""The `flask bank` commands."""

from __future__ import annotations

from pathlib import Path

import click

from .bank import BankError, load


@click.group("bank")
def bank_cli() -> None:
    """Check the question bank."""


@bank_cli.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check(path: Path | None) -> None:
    """Load a question bank and print a summary, or every problem with its place."""
    try:
        bank = load(path)
    except BankError as error:
        click.echo(f"{len(error.problems)} problem(s) in {path or 'questions.yaml'}:", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    click.echo(f"OK: {bank.summary()}")
