"""Thin routes: build the form, validate, store, redirect (POST/redirect/GET)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException, MethodNotAllowed, SecurityError
from werkzeug.wrappers import Response

from . import answers, forms, i18n, intake, plan, rules
from .bank import Bank, Finding, Question, Resource, Section, tel_uri
from .security import csrf
from .words import N_, _, ngettext

bp = Blueprint("screener", __name__)
log = logging.getLogger(__name__)

NOTICES = {
    "unreadable": N_("We could not read the answers saved in this browser, so we started fresh."),
    "changed": N_("The questions have changed since you started, so we started fresh."),
    "idle": N_("For your privacy, your answers were cleared after a time with no activity."),
    "lifetime": N_(
        "For your privacy, answers are cleared {lifetime} after a check starts, so we started fresh."
    ),
    "cleared": N_("Your answers have been cleared from this browser."),
}
TAMPERED = N_(
    "This form came back with something we did not send, so nothing was saved. "
    "Check your answers and press Continue again."
)

Step = tuple[Section, tuple[Question, ...]]
# Endpoints that never read or write the session, so they set no cookie.
SESSIONLESS = frozenset({"static", "screener.fhir_questionnaire", "screener.fhir_code_system"})


def get_bank() -> Bank:
    """Return the bank loaded at start-up."""
    return i18n.bank()


@bp.before_app_request
def keep_session_fresh() -> None:
    """Tell the person why saved answers are gone, when they are."""
    if request.endpoint in SESSIONLESS or request.blueprint == "health":
        return
    if getattr(session, "reset_reason", None):
        session.reset_reason = None  # type: ignore[attr-defined]
        flash(notice("unreadable"))
    config = current_app.config
    reason = answers.check_fresh(
        session, get_bank(), int(config["IDLE_MINUTES"]) * 60, int(config["LIFETIME_MINUTES"]) * 60
    )
    if reason:
        flash(notice(reason, lifetime=duration(int(config["LIFETIME_MINUTES"]))))


def notice(key: str, **fields: str) -> str:
    """One of the NOTICES, in the reader's language."""
    return _(NOTICES[key]).format(**fields)


def duration(minutes: int) -> str:
    """Say a number of minutes in words: "30 minutes", "1 hour", "2 hours"."""
    if minutes % 60:
        return ngettext("%(num)s minute", "%(num)s minutes", minutes)
    return ngettext("%(num)s hour", "%(num)s hours", minutes // 60)


# A full phone number written in a sentence, like 1-800-662-4357.
PHONE_IN_TEXT = re.compile(r"\b1-\d{3}-\d{3}-\d{4}\b")


@bp.app_template_filter("call_links")
def call_links(text: str) -> Markup:
    """Escape text and make each phone number in it a tel: link, so it can be tapped."""
    return Markup(
        PHONE_IN_TEXT.sub(
            lambda number: f'<a href="{tel_uri(number.group(0))}">{number.group(0)}</a>', str(escape(text))
        )
    )


EMERGENCY_IN_TEXT = re.compile(r"\b911\b")


@bp.app_template_filter("here")
def here(text: str) -> str:
    """Say the deployment region's emergency number where the bank's words say 911."""
    phone = get_bank().resources[get_region().emergency].phone
    return text if phone == "911" else EMERGENCY_IN_TEXT.sub(phone, text)


def get_region() -> plan.Region:
    """Return the region the site is deployed for (checked at start-up)."""
    return plan.REGIONS[current_app.config["REGION"]]


def local_resources(ids: Iterable[str]) -> list[Resource]:
    """Return helplines by id, swapped for the deployment region's own, each once."""
    region = get_region()
    local = [rid for r in ids if (rid := region.local(r)) is not None]
    return [get_bank().resources[rid] for rid in dict.fromkeys(local)]


@bp.app_context_processor
def page_context() -> dict[str, Any]:
    config = current_app.config
    region = get_region()
    return {
        "region": region,
        "emergency_line": get_bank().resources[region.emergency],
        "crisis_line": get_bank().resources[region.crisis],
        "local_lines": local_resources,
        "bank": get_bank(),
        "idle_time": duration(int(config["IDLE_MINUTES"])),
        "lifetime": duration(int(config["LIFETIME_MINUTES"])),
    }


# --- the flow -------------------------------------------------------------------------


def steps_for(saved: answers.Saved) -> list[Step]:
    """Return the pages this person is asked, given what they have answered."""
    assert saved.audience
    return rules.visible_sections(get_bank(), saved.answers, saved.audience)


def form_classes() -> forms.FormClasses:
    """Return the app's form classes, built once per page and audience, in the page's language.

    A language whose bank could not be built (no compiled catalog) has the English ones.
    """
    built: dict[str, forms.FormClasses] = current_app.extensions["forms"]
    return built.get(i18n.current(), built[i18n.LANGUAGES[0]])


def next_url(saved: answers.Saved, report: rules.Report | None = None) -> str:
    """Return where to go next: an emergency first, then the first unanswered page."""
    assert saved.audience
    urgent = (
        rules.due_interrupts(get_bank(), saved.answers, saved.audience)
        if report is None
        else tuple(result.finding for result in report.interrupts)
    )
    for finding in urgent:
        if finding.id not in saved.acknowledged:
            return url_for(".now", finding_id=finding.id)
    for section, questions in steps_for(saved):
        if any(q.id not in saved.answers for q in questions):
            return url_for(".section", section_id=section.id)
    return url_for(".check_answers")


def store(saved: answers.Saved) -> None:
    """Save answers, dropping those that skip logic now hides."""
    assert saved.audience
    saved.answers = rules.relevant_answers(get_bank(), saved.answers, saved.audience)
    answers.save(session, get_bank(), saved)


def saved_or_none() -> answers.Saved | None:
    saved = answers.load(session, get_bank())
    return saved if saved.audience else None


SECONDS_PER_QUESTION = 12  # reading a short question and tapping an answer, on a phone


def journey_size(bank: Bank, audience: str) -> tuple[int, int]:
    """Return the most questions this audience may be asked, and about how many minutes."""
    questions = sum(len(s.for_audience(audience)) for s in bank.sections)
    return questions, max(1, round(questions * SECONDS_PER_QUESTION / 60))


def need_audience() -> Response:
    flash(_("Choose who this check is for to begin."))
    return redirect(url_for(".start"))


# --- pages ----------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
def start() -> Any:
    """Choose who the check is for; ?for=AUDIENCE preselects one (as "Next client" does)."""
    bank = get_bank()
    saved = answers.load(session, bank)
    form = form_classes().start()
    tampered = request.method == "POST" and forms.unexpected_input(request.form, {"audience", "confirm"})
    if not tampered and form.validate_on_submit():
        if form.audience.data != saved.audience:
            if saved.answers and request.form.get("confirm") != "yes":
                # Changing who the check is for deletes every answer: ask first.
                chosen = next(a for a in bank.audiences if a.id == form.audience.data)
                return render_template(
                    "confirm.html",
                    form=form,
                    count=len(saved.answers),
                    audience=chosen,
                    cancel_url=next_url(saved),
                )
            saved = answers.Saved(audience=form.audience.data)
        store(saved)
        return redirect(next_url(saved), 303)
    if request.method == "GET" and saved.audience:
        form.audience.data = saved.audience
    elif request.method == "GET" and request.args.get("for") in {a.id for a in bank.audiences}:
        form.audience.data = request.args["for"]
    return render_template(
        "start.html",
        form=form,
        saved=saved,
        tampered=bool(tampered),
        sizes={a.id: journey_size(bank, a.id) for a in bank.audiences},
        resume_url=next_url(saved) if saved.audience else None,
    ), (400 if request.method == "POST" else 200)


@bp.route("/questions/<section:section_id>", methods=["GET", "POST"])
def section(section_id: str) -> Any:
    bank = get_bank()
    if section_id not in bank.section_index:
        abort(404)
    saved = saved_or_none()
    if saved is None:
        return need_audience()
    steps = steps_for(saved)
    ids = [s.id for s, _ in steps]
    if section_id not in ids:
        # Not relevant for these answers (any more): go to where the person is.
        return redirect(next_url(saved))
    index = ids.index(section_id)
    current, questions = steps[index]
    page_form = form_classes().page(questions, saved.audience)
    tampered: list[str] = []
    if request.method == "POST":
        tampered = forms.unexpected_input(
            request.form, {q.id for q in questions}, {q.id for q in questions if q.type == "multi"}
        )
        form = page_form(data=forms.form_data(saved.answers, questions)) if tampered else page_form()
        if not tampered and form.validate_on_submit():
            saved.answers.update(forms.answers_from(form, questions))
            store(saved)
            return redirect(next_url(saved), 303)
        if tampered:
            log.info("refused a form with unexpected input on a question page")
    else:
        form = page_form(data=forms.form_data(saved.answers, questions))
    changing = request.args.get("change") == "1"
    back = (
        url_for(".check_answers")
        if changing
        else url_for(".section", section_id=ids[index - 1])
        if index
        else url_for(".start")
    )
    parts = [s.id for s in bank.sections if s.for_audience(saved.audience)]
    return render_template(
        "section.html",
        section=current,
        fields=[(q, form[q.id]) for q in questions],
        form=form,
        audience=saved.audience,
        number=parts.index(section_id) + 1,
        total=len(parts),
        back=back,
        tampered=_(TAMPERED) if tampered else None,
    ), (400 if request.method == "POST" else 200)


def interrupting(finding_id: str) -> Finding:
    for finding in get_bank().findings:
        if finding.id == finding_id and finding.interrupts:
            return finding
    abort(404)


@bp.route("/now/<finding:finding_id>", methods=["GET", "POST"])
def now(finding_id: str) -> Any:
    finding = interrupting(finding_id)
    saved = saved_or_none()
    form = FlaskForm()
    if form.validate_on_submit():
        if saved is None:
            return redirect(url_for(".start"), 303)
        saved.acknowledged.add(finding.id)
        store(saved)
        return redirect(next_url(saved), 303)
    audience = saved.audience if saved else "self"
    if audience not in finding.audiences:
        abort(404)
    resources = local_resources(finding.resources)
    return render_template(
        "now.html",
        finding=finding,
        audience=audience,
        form=form,
        resources=resources,
        in_check=saved is not None,
    )


@bp.get("/check-answers")
def check_answers() -> Any:
    saved = saved_or_none()
    if saved is None:
        return need_audience()
    target = next_url(saved)
    if target != url_for(".check_answers"):
        return redirect(target)
    bank = get_bank()
    audience = next(a for a in bank.audiences if a.id == saved.audience)
    rows = [
        (section, [(q, rules.describe_answer(q, saved.answers[q.id], saved.audience)) for q in questions])
        for section, questions in steps_for(saved)
    ]
    return render_template("check_answers.html", rows=rows, audience=audience, audience_id=saved.audience)


@bp.get("/results")
def results() -> Any:
    saved = saved_or_none()
    if saved is None:
        return need_audience()
    bank = get_bank()
    report = rules.evaluate(bank, saved.answers, saved.audience, continued=saved.acknowledged)
    target = next_url(saved, report)
    if target != url_for(".check_answers"):
        return redirect(target)
    if report.ending:
        # Nothing more was asked (no opioids named): a short page, not a results page.
        return render_template(
            "end.html",
            report=report,
            audience=saved.audience,
            helplines=plan.helplines(report, saved.answers, saved.audience, get_region(), bank),
        )
    learn = {f.id: bank.learn[f.finding.learn] for f in report.findings if f.finding.learn}
    today = intake.local_date(intake.local_now(current_app.config["TIMEZONE"]))
    record = notes_text = None
    if saved.audience == intake.AUDIENCE:
        record = intake.build(bank, saved.answers, report)
        notes_text = intake.as_text(record, today)
    kept = rules.relevant_answers(bank, saved.answers, saved.audience)
    return render_template(
        "results.html",
        report=report,
        audience=saved.audience,
        learn=learn,
        today=today,
        intake=record,
        notes_text=notes_text,
        plan=plan.build(report, kept, saved.audience, get_region(), bank),
    )


@bp.post("/exit")
@csrf.exempt
def exit_page() -> Response:
    """Leave at once: forget everything and go to a neutral site (works even if stale)."""
    session.clear()  # the language too: nothing of the visit is left in the browser
    return redirect(current_app.config["EXIT_URL"], 303)


@bp.get("/clear")
def clear_confirm() -> str:
    """Ask before deleting: a tap on the wrong link must not wipe a long check."""
    saved = saved_or_none()
    return render_template(
        "confirm.html",
        count=len(saved.answers) if saved else 0,
        cancel_url=next_url(saved) if saved else url_for(".start"),
    )


@bp.post("/clear")
@csrf.exempt
def clear() -> Response:
    """Forget everything; like Exit it must work on a page left open for hours."""
    answers.clear(session)
    flash(notice("cleared"))
    return redirect(url_for(".start"), 303)


@bp.get("/learn/")
def learn_index() -> str:
    return render_template("learn_index.html", pages=get_bank().learn.values())


@bp.get("/learn/<learn:page_id>")
def learn(page_id: str) -> str:
    page = get_bank().learn.get(page_id)
    if page is None:
        abort(404)
    return render_template("learn.html", page=page)


@bp.get("/help")
def resources() -> str:
    bank = get_bank()
    regions = {
        region: [r for r in bank.resources.values() if r.region == region] for region in ("US", "CA", "UK")
    }
    return render_template("resources.html", regions=regions)


@bp.get("/privacy")
def privacy() -> str:
    return render_template("privacy.html")


@bp.get("/cover-your-tracks")
def cover_tracks() -> str:
    return render_template("cover_tracks.html")


@bp.get("/about")
def about() -> str:
    return render_template("about.html")


# --- errors ---------------------------------------------------------------------------

ERRORS = {
    400: (
        N_("Something went wrong with that request"),
        N_("The page could not use what your browser sent. Your saved answers have not changed."),
    ),
    404: (
        N_("Page not found"),
        N_("We could not find that page. Check the address, or go back to the start."),
    ),
    405: (
        N_("That action is not possible here"),
        N_("This page cannot be used that way. Your saved answers have not changed."),
    ),
    413: (
        N_("That was too much to send"),
        N_(
            "The form sent more than any answer needs, so nothing was saved. "
            "Your earlier answers have not changed."
        ),
    ),
    500: (
        N_("Sorry, something went wrong on our side"),
        N_("Please try again. Your saved answers have not changed."),
    ),
}


def register_error_handlers(app: Flask) -> None:
    """Show every error in the site's design, with a way to go on."""

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> Any:
        continue_url = request.path if request.path.startswith("/questions/") else url_for(".start")
        if request.path.startswith("/now/"):
            continue_url = request.path
        return render_template(
            "error.html",
            title=_("This page had expired"),
            message=_(
                "For your safety, forms stop working after a while or when the browser "
                "has cleared its cookies. What you had already saved is still here."
            ),
            continue_url=continue_url,
            status=400,
        ), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(_error: SecurityError) -> Any:
        # No page can be built for a host we do not serve (links would need it): plain text.
        return "This site is not served at that address.", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        title, message = (_(w) for w in ERRORS.get(code, ERRORS[400] if code < 500 else ERRORS[500]))
        headers = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        return (
            render_template("error.html", title=title, message=message, continue_url=None, status=code),
            code,
            headers,
        )

    @app.errorhandler(Exception)
    def server_error(_error: Exception) -> Any:
        log.exception("unhandled error on %s", request.endpoint)
        title, message = ERRORS[500]
        try:
            return render_template(
                "error.html", title=_(title), message=_(message), continue_url=None, status=500
            ), 500
        except Exception:  # the last line of defence must not fail: plain English text
            return f"{title}. {message}", 500, {"Content-Type": "text/plain; charset=utf-8"}
