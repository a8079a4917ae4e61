"""A health check for load balancers and probes: no session, no cookie, no template."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET", "HEAD"])
def healthz() -> Response:
    """Say the process is up and has a valid question bank (it would not start otherwise)."""
    return Response("ok\n", mimetype="text/plain")
