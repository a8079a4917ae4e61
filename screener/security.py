"""Headers on every response, and a session cookie that fails safe."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
import urllib.parse
import zlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, Request, Response, current_app, redirect, render_template, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadPayload, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode
from itsdangerous.url_safe import URLSafeSerializerMixin
from werkzeug.exceptions import SecurityError

from . import answers
from .keys import RotatingCSRFProtect
from .words import _

# Cross-site request forgery protection; the views mark the few posts that must always work.
csrf = RotatingCSRFProtect()
View = TypeVar("View", bound=Callable[..., Any])


def csrf_exempt(view: View) -> View:
    """Take posts to this view without a CSRF token, from this site's own pages only.

    For what only forgets (Exit, Clear, Next client): they must work on a page left open
    for hours, so no token. But a form on another site can post here too; SameSite keeps
    the cookie off that post, yet the browser still applies the cookies the answer sets,
    which wipes the answers. So a post that says it came from elsewhere changes nothing.
    """

    @functools.wraps(view)
    def same_site_only(*args: Any, **kwargs: Any) -> Any:
        if not from_another_site():
            return view(*args, **kwargs)
        if request.endpoint == EXIT_ENDPOINT:
            # Someone who pressed Exit must leave at once even if we misjudged where the
            # post came from: go to the exit site, but change nothing.
            return redirect(current_app.config["EXIT_URL"], 303)
        return render_template(
            "error.html",
            title=_("Nothing was cleared"),
            message=_(
                "Another website tried to clear your answers here, so we did nothing. "
                "Your saved answers have not changed. To clear them or to leave, use "
                "the buttons on this site."
            ),
            continue_url=url_for("screener.start"),
            status=403,
        ), 403

    csrf.exempt(same_site_only)
    return same_site_only  # type: ignore[return-value]


EXIT_ENDPOINT = "screener.exit_page"


def from_another_site() -> bool:
    """Tell whether the browser says this request came from another site's page.

    Sec-Fetch-Site is sent by every current browser. Without it, an Origin that is not ours
    counts; "null" does not, since our own pages send that (Referrer-Policy: no-referrer).
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    return origin.rstrip("/") != request.host_url.rstrip("/")


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
        "interest-cohort",
        "browsing-topics",
    )
)

# The cookies' name over plain http; over HTTPS, with the __Host- prefix.
COOKIE_NAME = "screener"
HOST_ONLY_PREFIX = "__Host-"


def host_only_cookie_names(app: Flask) -> None:
    """Over HTTPS, name the cookies __Host-screener and __Host-screener-id.

    The browser then takes them only from this very host, over HTTPS, for the whole site:
    a sibling subdomain or a plain-http answer cannot plant one (session fixation).
    """
    config = app.config
    if (
        config["SESSION_COOKIE_SECURE"]
        and config["SESSION_COOKIE_NAME"] == COOKIE_NAME
        and not config.get("SESSION_COOKIE_DOMAIN")
        and (config.get("SESSION_COOKIE_PATH") or config.get("APPLICATION_ROOT") or "/") == "/"
    ):
        config["SESSION_COOKIE_NAME"] = HOST_ONLY_PREFIX + COOKIE_NAME


# The session is bound to a random id in a second cookie. "Clear my answers" and "Exit this
# page" drop both, so a copy of the session cookie taken earlier no longer reads.
BINDING = "s"
ID_COOKIE_SUFFIX = "-id"


def content_security_policy(exit_url: str) -> str:
    """Return the CSP; forms may post here and, for the exit's redirect, to the exit site only."""
    parts = urllib.parse.urlsplit(exit_url)
    exit_origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} else ""
    form_action = " ".join(x for x in ("'self'", exit_origin) if x)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            f"form-action {form_action}",
            "base-uri 'none'",
        ]
    )


def _is_int(value: Any) -> bool:
    return type(value) is int


def _is_str(value: Any) -> bool:
    return type(value) is str


# Finding indexes, as answers.save writes them ("0,3,7"): digit strings of any length would
# make int() refuse them (over 4,300 digits) or do needless work.
INDEXES = re.compile(r"(?:[0-9]{1,4}(?:,[0-9]{1,4})*)?")


def _is_indexes(value: Any) -> bool:
    return type(value) is str and INDEXES.fullmatch(value) is not None


def _is_flashes(value: Any) -> bool:
    # Plain strings only: a message is always escaped where it is shown.
    return type(value) is list and all(
        type(item) is list and len(item) == 2 and all(type(x) is str for x in item) for item in value
    )


# Every key a session may hold, and the shape its value must have. Anything else, even
# when validly signed, is a fresh start: a value read from the cookie is never trusted.
SHAPES: Mapping[str, Callable[[Any], bool]] = {
    answers.FINGERPRINT: _is_str,
    answers.AUDIENCE: _is_int,
    answers.ANSWERS: _is_str,
    answers.ACKNOWLEDGED: _is_indexes,
    answers.LAST_SEEN: _is_int,
    answers.CREATED: _is_int,
    answers.LANGUAGE: _is_int,
    answers.FORM_ERRORS: lambda v: type(v) is str and len(v) <= 512,
    answers.PAUSED: lambda v: type(v) is int and v == 1,
    BINDING: _is_str,
    "csrf_token": _is_str,
    "_flashes": _is_flashes,
}
# A real session is under 2 KB of JSON; a signed cookie may not unpack into more than this.
MAX_SESSION_BYTES = 64 * 1024


class PlainJSON:
    """The session's serializer: one plain JSON object, without Flask's tags.

    Flask's tagged JSON turns {" m": "<b>"} into Markup (shown unescaped), {" u": …} into a
    UUID, and so on; this app stores only strings, numbers and lists, so it needs none.
    """

    def dumps(self, value: Any) -> str:
        return json.dumps(value, separators=(",", ":"))

    def loads(self, text: str | bytes) -> dict[str, Any]:
        value = json.loads(text)
        if type(value) is not dict:
            raise BadPayload("the session is not a JSON object")
        return value


class BoundedSerializer(URLSafeTimedSerializer):
    """itsdangerous' cookie format, but a compressed payload unpacks to MAX_SESSION_BYTES at most.

    A 7 KB cookie can otherwise hold megabytes of JSON, read again on every request.
    """

    def load_payload(self, payload: bytes, *args: Any, **kwargs: Any) -> Any:
        if not payload.startswith(b"."):
            return super().load_payload(payload, *args, **kwargs)
        try:
            unpack = zlib.decompressobj()
            data = unpack.decompress(base64_decode(payload[1:]), MAX_SESSION_BYTES)
        except Exception as error:
            raise BadPayload("the session could not be unpacked", original_error=error) from error
        if unpack.unconsumed_tail or not unpack.eof:
            raise BadPayload("the session unpacks to more than any session holds")
        # Past the URL-safe layer (already decoded and unpacked here) to the JSON one.
        return super(URLSafeSerializerMixin, self).load_payload(data, *args, **kwargs)


def well_formed(data: Mapping[str, Any]) -> bool:
    """Tell whether every key and value in a session has a shape this app writes."""
    return all(key in SHAPES and SHAPES[key](value) for key, value in data.items())


def _digest(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


class Session(SecureCookieSession):
    """A session that remembers why an old cookie could not be used."""

    reset_reason: str | None = None


class SessionInterface(SecureCookieSessionInterface):
    """Read the signed cookie; a forged, odd, unbound or expired one gives a fresh session."""

    session_class = Session
    serializer = PlainJSON()  # type: ignore[assignment]

    def id_cookie_name(self, app: Flask) -> str:
        return self.get_cookie_name(app) + ID_COOKIE_SUFFIX

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        # itsdangerous takes the current key last, the fallbacks before it (as Flask does).
        keys = [*(app.config.get("SECRET_KEY_FALLBACKS") or []), app.secret_key]
        return BoundedSerializer(
            keys,
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
        )

    def open_session(self, app: Flask, request: Request) -> Session | None:
        try:
            session = super().open_session(app, request)
        except Exception:
            # Validly signed but unreadable (not an object, too deep, a number too long for
            # int()): a fresh start with a message, as for a forged cookie, never an error page.
            session = self.session_class()
        if session is None:
            return None
        assert isinstance(session, Session)
        cookie = request.cookies.get(self.get_cookie_name(app))
        if cookie and not session and not session.modified:
            # Flask returns an empty session when the signature or age check fails.
            session.reset_reason = "unreadable"
        elif session:
            identity = request.cookies.get(self.id_cookie_name(app), "")
            bound = session.get(BINDING) == _digest(identity)
            if not (bound and well_formed(session)):
                session.clear()
                session.reset_reason = "unreadable"
        return session

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if response.status_code >= 400:
            # Error pages change nothing a person told us, and never set a cookie.
            return
        if self.get_cookie_name(app) != COOKIE_NAME:
            # Cookies from before the __Host- names hold answers too: delete them.
            for old_name in (COOKIE_NAME, COOKIE_NAME + ID_COOKIE_SUFFIX):
                if old_name in request.cookies:
                    response.delete_cookie(
                        old_name, path="/", secure=True, httponly=True, samesite=self.get_cookie_samesite(app)
                    )
        if not session:
            if session.modified:
                self.set_id_cookie(app, response, None)
        elif BINDING not in session:
            identity = secrets.token_urlsafe(24)
            session[BINDING] = _digest(identity)
            self.set_id_cookie(app, response, identity)
        super().save_session(app, session, response)

    def set_id_cookie(self, app: Flask, response: Response, identity: str | None) -> None:
        """Set the id cookie with the session cookie's flags, or delete it (None)."""
        gone = 0 if identity is None else None
        response.set_cookie(
            self.id_cookie_name(app),
            identity or "",
            max_age=gone,
            expires=gone,
            path=self.get_cookie_path(app),
            domain=self.get_cookie_domain(app),
            secure=self.get_cookie_secure(app),
            httponly=True,
            samesite=self.get_cookie_samesite(app),
        )


def set_headers(response: Response, policy: str, hsts: bool) -> Response:
    """Add the privacy and security headers to one response."""
    headers = response.headers
    headers["Content-Security-Policy"] = policy
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if request.endpoint == "static" and response.status_code in {200, 304}:
        headers["Cache-Control"] = "public, max-age=3600"
    else:
        # Pages show or take answers, errors say nothing worth keeping: never keep a copy
        # in any cache or in Back/Forward.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    _never_echo_the_host(response)
    if hsts:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


def _never_echo_the_host(response: Response) -> None:
    """Make Werkzeug's own redirects (a missing slash) relative: they echo the Host header."""
    location = response.headers.get("Location", "")
    if not location.startswith(("http://", "https://")):
        return
    try:
        ours = request.host_url
    except SecurityError:  # an untrusted host: nothing of ours to point to
        return
    if location.startswith(ours):
        response.headers["Location"] = "/" + location[len(ours) :]
        response.set_data(b"")


def install(app: Flask) -> None:
    """Attach the session interface and the header hook to an app."""
    app.session_interface = SessionInterface()
    hsts = bool(app.config["HSTS"])
    policy = content_security_policy(str(app.config["EXIT_URL"]))

    @app.after_request
    def _headers(response: Response) -> Response:
        return set_headers(response, policy, hsts)


WEAK_WORDS = ("changeme", "change-me", "password", "secret", "example", "test", "dev")


def strong_secret(value: Any) -> bool:
    """Tell whether a SECRET_KEY is long and random enough for production.

    Not an entropy meter: it refuses what is short, made of few characters, a repeated
    run ("0123456789" four times) or mostly the usual placeholder words.
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str) or len(value) < 32 or len(set(value)) < 10:
        return False
    size = len(value)
    if any(
        all(value[i] == value[i + period] for i in range(size - period)) for period in range(1, size // 2 + 1)
    ):
        return False
    rest = value.lower()
    for word in WEAK_WORDS:
        rest = rest.replace(word, "")
    return len(rest) >= 32
