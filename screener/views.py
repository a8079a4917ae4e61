"""Thin routes: build the form, validate, store, redirect (POST/redirect/GET)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, Concatenate, ParamSpec

from flask import (
    Blueprint,
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
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from . import answers, forms, i18n, intake, journey, keeping, plan, regions, rules
from .bank import Bank, Finding, Question, Resource, tel_uri
from .security import BINDING, csrf_exempt
from .words import N_, _

bp = Blueprint("screener", __name__)
for _rule, _view in keeping.ROUTES:
    bp.add_url_rule(_rule, view_func=_view, methods=["GET"])

NOTICES = {
    "unreadable": N_("We could not read the answers saved in this browser, so we started fresh."),
    "changed": N_("The questions have changed since you started, so we started fresh."),
    "idle": N_("For your privacy, your answers were cleared after a time with no activity."),
    "lifetime": N_(
        "For your privacy, answers are cleared {lifetime} after a check starts, so we started fresh."
    ),
    "cleared": N_("Your answers have been cleared from this browser."),
}
CHOOSE_FIRST = N_("Choose who this check is for to begin.")
TAMPERED = N_(
    "This form came back with something we did not send, so nothing was saved. "
    "Check your answers and press Continue again."
)


def get_bank() -> Bank:
    """Return the bank loaded at start-up."""
    return i18n.bank()


@bp.before_app_request
def keep_session_fresh() -> None:
    """Tell the person why saved answers are gone, when they are."""
    if request.endpoint in i18n.SESSIONLESS or request.blueprint == "health":
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
    elif request.endpoint != "screener.now":
        answers.resume(session)


def notice(key: str, **fields: str) -> str:
    """One of the NOTICES, in the reader's language."""
    return _(NOTICES[key]).format(**fields)


# Say a number of minutes in words: "30 minutes", "1 hour", "2 hours".
duration = keeping.in_words


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


def get_region() -> regions.Region:
    """Return the region the site is deployed for (checked at start-up)."""
    return regions.REGIONS[current_app.config["REGION"]]


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
        "reviewed_month": functools.partial(intake.reviewed_month, i18n.current()),
        "bank": get_bank(),
        "idle_time": duration(int(config["IDLE_MINUTES"])),
        "idle_left": answers.idle_left(session, int(config["IDLE_MINUTES"]) * 60),
        "lifetime": duration(int(config["LIFETIME_MINUTES"])),
    }


# --- the flow -------------------------------------------------------------------------

P = ParamSpec("P")


def form_classes() -> forms.FormClasses:
    """Return the app's form classes, built once per page and audience, in the page's language.

    A language whose bank could not be built (no compiled catalog) has the English ones.
    """
    built: dict[str, forms.FormClasses] = current_app.extensions["forms"]
    return built.get(i18n.current(), built[i18n.LANGUAGES[0]])


def saved_answers() -> answers.Saved | None:
    """Return what this browser's session holds, or None before an audience is chosen."""
    return answers.load(session, get_bank())


def journey_of(saved: answers.Saved, report: bool = False) -> journey.Journey:
    """Return where this person stands (and, if `report`, what the rules conclude)."""
    return journey.journey(get_bank(), saved.audience, saved.answers, saved.acknowledged, report=report)


def url_of(step: journey.Next) -> str:
    """Return the address of a next step."""
    if step.page == "now":
        return url_for(".now", finding_id=step.id)
    if step.page == "section":
        return url_for(".section", section_id=step.id)
    return url_for(".check_answers")


def next_url(saved: answers.Saved) -> str:
    """Return where to go next: an emergency first, then the first unanswered page."""
    return url_of(journey_of(saved).next)


def store(saved: answers.Saved) -> journey.Journey:
    """Save answers, dropping those that skip logic now hides; return where that leaves them."""
    path = journey_of(saved)
    saved.answers = dict(path.answers)
    answers.save(session, get_bank(), saved)
    return path


def failed_post(page: str, questions: Iterable[Question], form: FlaskForm) -> Response:
    """Post/Redirect/Get for errors too (Back never shows "Confirm Form Resubmission")."""
    answers.keep_form_errors(session, page, questions, request.form, bool(getattr(form, "tampered", ())))
    return redirect(request.full_path.rstrip("?"), 303)


def audience_chosen(view: Callable[Concatenate[answers.Saved, P], Any]) -> Callable[P, Any]:
    """Guard a page that needs a chosen audience: it gets what is saved, or the start page."""

    @functools.wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> Any:
        saved = saved_answers()
        if saved is None:
            flash(_(CHOOSE_FIRST))
            return redirect(url_for(".start"))
        return view(saved, *args, **kwargs)

    return guarded


# --- pages ----------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
def start() -> Any:
    """Choose who the check is for; ?for=AUDIENCE preselects one (as "Next client" does)."""
    bank = get_bank()
    saved = saved_answers()
    form = forms.start_form(form_classes())
    if form.validate_on_submit():
        if saved is None or form.audience.data != saved.audience:
            if saved is not None and saved.answers and request.form.get("confirm") != "yes":
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
            # A new check, a new id: a planted or copied id cookie no longer reads these answers.
            session.pop(BINDING, None)
        return redirect(url_of(store(saved).next), 303)
    if request.method == "POST":
        return failed_post("start", (), form)
    form = forms.refill(form, "start", (), lambda posted: forms.start_form(form_classes(), formdata=posted))
    # Saved answers are not preselected: on a shared phone the first screen tells nothing.
    chosen_for = request.args.get("for")
    if request.method == "GET" and saved is None and chosen_for in {a.id for a in bank.audiences}:
        form.audience.data = request.args["for"]
    return render_template(
        "start.html",
        form=form,
        tampered=bool(form.tampered),
        sizes=current_app.extensions["sizes"][i18n.current()],
        resume_url=next_url(saved) if saved is not None else None,
    )


@bp.route("/questions/<section:section_id>", methods=["GET", "POST"])
@audience_chosen
def section(saved: answers.Saved, section_id: str) -> Any:
    # An unknown section number never gets here: its converter answers 404.
    path = journey_of(saved)
    index = path.place(section_id)
    if index is None:
        # Not relevant for these answers (any more): go to where the person is.
        return redirect(url_of(path.next))
    current, questions = path.steps[index]
    fill = (saved.audience, saved.answers)
    form = forms.page_form(form_classes(), questions, *fill)
    if form.validate_on_submit():
        saved.answers.update(form.answers())
        return redirect(url_of(store(saved).next), 303)
    if request.method == "POST":
        return failed_post(section_id, questions, form)
    form = forms.refill(
        form, section_id, questions, lambda posted: forms.page_form(form_classes(), questions, *fill, posted)
    )
    changing = request.args.get("change") == "1"
    back = (
        url_for(".check_answers")
        if changing
        else url_for(".section", section_id=path.steps[index - 1][0].id)
        if index
        else url_for(".start")
    )
    # Only the parts this person is asked, recounted as answers change: progress never jumps.
    return render_template(
        "section.html",
        section=current,
        fields=[(q, form[q.id]) for q in questions],
        form=form,
        audience=saved.audience,
        number=index + 1,
        total=len(path.steps),
        back=back,
        tampered=_(TAMPERED) if form.tampered else None,
    )


def interrupting(finding_id: str) -> Finding:
    for finding in get_bank().findings:
        if finding.id == finding_id and finding.interrupts:
            return finding
    abort(404)


@bp.route("/now/<finding:finding_id>", methods=["GET", "POST"])
def now(finding_id: str) -> Any:
    finding = interrupting(finding_id)
    saved = saved_answers()
    form = FlaskForm()
    if form.validate_on_submit():
        if saved is None:
            return redirect(url_for(".start"), 303)
        saved.acknowledged.add(finding.id)
        return redirect(url_of(store(saved).next), 303)
    audience = saved.audience if saved else "self"
    if audience not in finding.audiences:
        abort(404)
    # Someone may be on a call for a long time: the idle clock waits while this page is open.
    answers.pause(session)
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
@audience_chosen
def check_answers(saved: answers.Saved) -> Any:
    path = journey_of(saved)
    if not path.finished:
        return redirect(url_of(path.next))
    bank = get_bank()
    audience = next(a for a in bank.audiences if a.id == saved.audience)
    rows = [
        (section, [(q, rules.describe_answer(q, path.answers[q.id], saved.audience)) for q in questions])
        for section, questions in path.steps
    ]
    return render_template("check_answers.html", rows=rows, audience=audience, audience_id=saved.audience)


@bp.get("/results")
@audience_chosen
def results(saved: answers.Saved) -> Any:
    path = journey_of(saved, report=True)
    report = path.report
    if report is None or not path.finished:
        return redirect(url_of(path.next))
    bank = get_bank()
    if report.ending:
        # Nothing more was asked (no opioids named): a short page, not a results page.
        return render_template(
            "end.html",
            report=report,
            audience=saved.audience,
            helplines=plan.helplines(report, saved.answers, saved.audience, get_region(), bank),
        )
    learn = {f.id: bank.learn[f.finding.learn] for f in report.findings if f.finding.learn}
    today = intake.local_date(intake.local_now(current_app.config["TIMEZONE"]), i18n.current())
    record = notes_text = timing = None
    if saved.audience == intake.AUDIENCE:
        record = intake.build(bank, path.answers, report)
        timing = keeping.started(session.get(answers.CREATED), str(current_app.config["TIMEZONE"]))
        notes_text = intake.as_text(record, today, timing)
    return render_template(
        "results.html",
        report=report,
        audience=saved.audience,
        learn=learn,
        today=today,
        intake=record,
        notes_text=notes_text,
        timing=timing,
        plan=plan.build(report, path.answers, saved.audience, get_region(), bank),
    )


@bp.post("/exit")
@csrf_exempt
def exit_page() -> Response:
    """Leave at once: forget everything and go to a neutral site (works even if stale)."""
    session.clear()  # the language too: nothing of the visit is left in the browser
    return redirect(current_app.config["EXIT_URL"], 303)


@bp.get("/clear")
def clear_confirm() -> str:
    """Ask before deleting: a tap on the wrong link must not wipe a long check."""
    saved = saved_answers()
    return render_template(
        "confirm.html",
        count=len(saved.answers) if saved else 0,
        cancel_url=next_url(saved) if saved else url_for(".start"),
    )


@bp.post("/clear")
@csrf_exempt
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
    bank = get_bank()
    # The whole content is only as fresh as its least recently checked source.
    shown = (bank.findings, tuple(bank.learn.values()), tuple(bank.resources.values()))
    return render_template("about.html", reviewed=intake.reviewed_month(i18n.current(), *shown))
