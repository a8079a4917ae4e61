"""The app's own words in the reader's language (the bank's are translated with the bank).

Tables of words kept in Python are marked with `N_` so `scripts/translations extract` finds
them, and translated where they are used with `_` (the request's catalog, screener/i18n.py).
Outside an app both give the English, so the pure modules stay usable on their own.
"""

from __future__ import annotations

from typing import Any

import flask_babel

from . import i18n


def N_(message: str) -> str:
    """Mark a string for the catalog; it is translated where it is used."""
    return message


def _(message: str, **variables: Any) -> str:
    """Translate a message; %(name)s placeholders are filled from the keywords."""
    text = str(i18n.translations().gettext(message))
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Translate a message that depends on a number (%(num)s is the number)."""
    variables.setdefault("num", num)
    return str(i18n.translations().ngettext(singular, plural, num)) % variables


def later(message: str, **fields: str) -> Any:
    """A message translated each time it is shown, with {fields} filled in.

    For words fixed when a form class is built once at start-up, shown in each reader's language.
    """
    return flask_babel.LazyString(lambda: _(message).format(**fields))
