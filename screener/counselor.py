"""Counselor routes: the client copy, the FHIR export and "Next client"."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from . import answers, fhir, i18n, intake, plan, rules

# The routes join the main blueprint, so every url_for in the flow resolves the same way.
from .security import csrf_exempt
from .views import bp, get_bank, get_region, journey_of, saved_answers, url_of
from .words import N_, _

FHIR_JSON = "application/fhir+json"
NEXT_CLIENT = N_("Ready for the next client. The last client’s answers are cleared from this browser.")


def fhir_base() -> str:
    """Return the canonical base for FHIR URLs: PUBLIC_URL, or the address serving this request."""
    return str(current_app.config.get("PUBLIC_URL") or request.url_root)


def fhir_json(resource: dict[str, Any]) -> str:
    return json.dumps(resource, ensure_ascii=False, indent=2) + "\n"


def completed_counselor_check() -> answers.Saved | Response:
    """Return a counselor's finished check, a redirect to where it stands, or 404 for others."""
    saved = saved_answers()
    if saved is None or saved.audience != intake.AUDIENCE:
        abort(404)
    path = journey_of(saved)
    if not path.finished:
        return redirect(url_of(path.next))
    return saved


@bp.get("/fhir/Questionnaire/<name>")
def fhir_questionnaire(name: str) -> Response:
    """Serve an audience's Questionnaire at its canonical URL (no session, so no cookie)."""
    bank = get_bank()
    audience = next((a.id for a in bank.audiences if fhir.questionnaire_id(a.id) == name), None)
    if audience is None:
        abort(404)
    resource = fhir.questionnaire(bank, audience, fhir_base())
    return Response(fhir_json(resource), mimetype=FHIR_JSON)


@bp.get("/fhir/CodeSystem/<name>")
def fhir_code_system(name: str) -> Response:
    """Serve the code system the answer codes belong to, at its URL (no session, so no cookie)."""
    if name != f"{fhir.NAME}-answers":
        abort(404)
    return Response(fhir_json(fhir.code_system(get_bank(), fhir_base())), mimetype=FHIR_JSON)


@bp.get("/results/fhir")
def fhir_response() -> Response:
    """Download the client's answers as a QuestionnaireResponse, made now and never stored."""
    saved = completed_counselor_check()
    if isinstance(saved, Response):
        return saved
    now = intake.local_now(current_app.config["TIMEZONE"])
    resource = fhir.questionnaire_response(get_bank(), saved.answers, intake.AUDIENCE, fhir_base(), now)
    response = Response(fhir_json(resource), mimetype=FHIR_JSON)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="questionnaire-response-{now:%Y-%m-%d}.json"'
    )
    return response


@bp.get("/results/client-copy")
def client_copy() -> Any:
    """Show the next steps and helplines in the client's own words, to print and hand over."""
    saved = completed_counselor_check()
    if isinstance(saved, Response):
        return saved
    bank = get_bank()
    report = rules.evaluate(bank, saved.answers, "self")
    today = intake.local_date(intake.local_now(current_app.config["TIMEZONE"]), i18n.current())
    # On paper the three steps to act on are kept, and the line to call comes after them.
    steps = plan.build(report, saved.answers, "self", get_region(), bank, call_apart=True)
    return render_template("client_copy.html", report=report, plan=steps, today=today)


@bp.post("/next-client")
@csrf_exempt  # as "Exit this page": clearing must work even from a page left open for hours
def next_client() -> Response:
    """Forget this client's answers and start again with the counselor audience chosen."""
    answers.clear(session)
    flash(_(NEXT_CLIENT))
    query: dict[str, Any] = {"for": intake.AUDIENCE}  # "for" is a keyword in Python
    return redirect(url_for("screener.start", **query), 303)
