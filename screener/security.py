"""Headers on every response, and a session cookie that fails safe."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
])
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
        "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock",
        "usb", "xr-spatial-tracking", "interest-cohort", "browsing-topics",
    )
)


class Session(SecureCookieSession):
    """A session that remembers why an old cookie could not be used."""

    reset_reason: str | None = None


class SessionInterface(SecureCookieSessionInterface):
    """Read the signed cookie; a forged, tampered or expired one gives a fresh session."""

    session_class = Session

    def open_session(self, app: Flask, request: Request) -> Session | None:
        session = super().open_session(app, request)
        cookie = request.cookies.get(self.get_cookie_name(app))
        if session is not None and cookie and not session and not session.modified:
            # Flask returns an empty session when the signature or age check fails.
            session.reset_reason = "unreadable"
        return session  # type: ignore[return-value]


def set_headers(response: Response, hsts: bool) -> Response:
    """Add the privacy and security headers to one response."""
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if request.endpoint != "static":
        # Pages show or take answers: never keep a copy in any cache or in Back/Forward.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    else:
        headers["Cache-Control"] = "public, max-age=3600"
    if hsts:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


def install(app: Flask) -> None:
    """Attach the session interface and the header hook to an app."""
    app.session_interface = SessionInterface()
    hsts = bool(app.config["HSTS"])

    @app.after_request
    def _headers(response: Response) -> Response:
        return set_headers(response, hsts)


def strong_secret(value: Any) -> bool:
    """Tell whether a SECRET_KEY is long and random enough for production."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str) or len(value) < 32:
        return False
    weak = {"dev", "secret", "changeme", "change-me", "test", "password"}
    return value.lower() not in weak and len(set(value)) >= 10
