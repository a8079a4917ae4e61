"""The app's own words in the reader's language (the bank's are translated with the bank).

Tables of words kept in Python are marked with `N_` so `scripts/translations extract` finds
them, and translated where they are used with `_` (Flask-Babel's gettext). Outside a request
both give the English, so the pure modules stay usable without an app.
"""

from __future__ import annotations

from typing import Any

import flask_babel


def N_(message: str) -> str:
    """Mark a string for the catalog; it is translated where it is used."""
    return message


def _(message: str, **variables: Any) -> str:
    """Translate a message; %(name)s placeholders are filled from the keywords."""
    return str(flask_babel.gettext(message, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Translate a message that depends on a number (%(num)s is the number)."""
    return str(flask_babel.ngettext(singular, plural, num, **variables))


def later(message: str, **fields: str) -> Any:
    """A message translated each time it is shown, with {fields} filled in.

    For words fixed when a form class is built once at start-up, shown in each reader's language.
    """
    return flask_babel.LazyString(lambda: _(message).format(**fields))
