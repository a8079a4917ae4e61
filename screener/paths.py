"""Where the content lives: the question bank and the page templates."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def content(name: str) -> Path:
    """The copy a built wheel carries inside the package, else the repository's top-level one.

    In the repository questions.yaml and templates/ stay at the top level (setup.py copies them
    into the wheel), so a checkout and an installed wheel both find them from any directory.
    """
    inside = PACKAGE / name
    return inside if inside.exists() else PACKAGE.parent / name
