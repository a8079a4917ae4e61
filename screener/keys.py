"""Secret key rotation: old keys still read cookies and form tokens while a new key rolls out."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask_wtf.csrf import CSRFProtect, validate_csrf
from wtforms.validators import ValidationError


def key_list(value: Any) -> list[str]:
    """Return old keys from a list, or from comma-separated text as the environment gives it."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise SystemExit("screener: SCREENER_SECRET_KEY_FALLBACKS must be keys separated by commas.")
    return [str(key).strip() for key in value if str(key).strip()]


class RotatingCSRFProtect(CSRFProtect):
    """CSRF protection that also takes a form token signed with a fallback key.

    Flask signs cookies with SECRET_KEY_FALLBACKS too, but Flask-WTF checks form tokens
    against the current key only; without this, a page open while the key changed would
    fail once when sent.
    """

    def protect(self, *args: Any, **kwargs: Any) -> Any:
        config = current_app.config
        fallbacks = config.get("SECRET_KEY_FALLBACKS") or []
        if (
            fallbacks
            and request.method in config["WTF_CSRF_METHODS"]
            and not config.get("WTF_CSRF_SECRET_KEY")
            and not (request.is_secure and config["WTF_CSRF_SSL_STRICT"])
        ):
            token = self._get_csrf_token()
            for key in [current_app.secret_key, *fallbacks]:
                try:
                    validate_csrf(token, secret_key=key)
                except ValidationError:
                    continue
                if key == current_app.secret_key:
                    break  # the usual case: let Flask-WTF check as it always does
                g.csrf_valid = True
                return None
        return super().protect(*args, **kwargs)
