"""The answers codec and the session's life, as units: each edge of the cookie pinned down.

The web tests walk the same code; these say exactly what each piece keeps, drops and resets,
so a change at an edge (an index one too far, a reset that forgets a key) fails here at once.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from screener import answers
from screener.answers import Saved
from screener.bank import Question, load

BANK = load()
FINDINGS = [f.id for f in BANK.findings]
IDLE, LIFETIME = 3600, 7200
NOW = 1_800_000_000


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: NOW)


def saved_session(**extra: Any) -> dict[str, Any]:
    """A session as `save` writes it, then with some keys changed."""
    session: dict[str, Any] = {answers.LANGUAGE: 1}
    answers.save(session, BANK, Saved("self", {"overdose_signs_now": "no"}, {"overdose_now"}))
    session.update(extra)
    return session


# --- indexes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "a"),
        (2, "c"),
        ("0", "a"),
        ("2", "c"),
        (3, None),  # one past the last: a 500 on every page if it were taken
        ("3", None),
        (-1, None),
        ("-1", None),
        (True, None),
        (1.0, None),
        ("²", None),  # a digit to str.isdigit(), not to int()
        ("", None),
        (None, None),
    ],
)
def test_an_index_is_taken_only_when_it_is_a_plain_one_in_range(value: Any, expected: str | None) -> None:
    assert answers._index(["a", "b", "c"], value) == expected


# --- the codec --------------------------------------------------------------------------


def one_answer_each(index: int) -> dict[str, Any]:
    """Answer every question with its option at `index` (wrapping), a multi with two options."""
    chosen: dict[str, Any] = {}
    for question in BANK.questions.values():
        values = [o.value for o in question.options]
        if question.type == "multi":
            # In bank order, as the codec keeps them, even where the two wrap round the end.
            picked = sorted({index % len(values), (index + 1) % len(values)})
            chosen[question.id] = tuple(values[i] for i in picked)
        else:
            chosen[question.id] = values[index % len(values)]
    return chosen


@pytest.mark.parametrize("index", range(4))
def test_every_option_of_every_question_round_trips(index: int) -> None:
    everything = one_answer_each(index)
    assert answers.decode(BANK, answers.encode(BANK, everything)) == everything


def test_a_multi_question_keeps_exactly_the_options_ticked() -> None:
    question = BANK.questions["what_used"]
    values = tuple(o.value for o in question.options)
    for chosen in (values[:1], values[-1:], values[1:3], values):
        text = answers.encode(BANK, {"what_used": chosen})
        assert answers.decode(BANK, text) == {"what_used": chosen}


def test_the_encoding_is_one_token_per_question_in_bank_order() -> None:
    first, second = list(BANK.questions)[:2]
    assert answers.encode(BANK, {}) == ""
    assert answers.encode(BANK, {first: BANK.questions[first].options[1].value}) == "1"
    assert answers.encode(BANK, {second: BANK.questions[second].options[0].value}) == ".0"
    none = [o.value for o in BANK.questions["what_used"].all_options].index("none")
    assert answers.encode(BANK, {"what_used": ("none",)}) == "...." + answers._base36(1 << none)


@pytest.mark.parametrize("number", [0, 1, 35, 36, 1295, 1296, 2**40])
def test_base36_writes_numbers_int_reads_back(number: int) -> None:
    assert int(answers._base36(number), 36) == number


@pytest.mark.parametrize(
    "text",
    [
        12,
        None,
        "9",  # a single answer past the last option
        "-1",
        "+1",
        "1_0",
        "....zzzzzz",  # a multi answer with bits past its options
        # a real first option, and one bit past the last
        "...." + answers._base36(1 | 1 << len(BANK.questions["what_used"].all_options)),
        "0." * 2100,  # longer than any real cookie
        "0" + "." * 4096,  # one character too many
    ],
)
def test_what_does_not_fit_the_bank_is_dropped(text: Any) -> None:
    assert answers.decode(BANK, text) == {}


def test_a_token_that_does_not_fit_drops_only_its_own_answer() -> None:
    first = list(BANK.questions)[0]
    assert answers.decode(BANK, "0.9.-1") == {first: BANK.questions[first].options[0].value}


def test_the_longest_encoding_still_decodes() -> None:
    text = "0" + "." * 4095
    assert len(text) == 4096
    assert answers.decode(BANK, text) == answers.decode(BANK, "0")


# --- save and load ----------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["self", "other", "counselor"])
def test_save_then_load_gives_back_the_audience_answers_and_every_acknowledgement(audience: str) -> None:
    state = Saved(audience, one_answer_each(1), {"overdose_now", "overdose_self_now", "suicide_thoughts"})
    session: dict[str, Any] = {}
    answers.save(session, BANK, state)
    assert answers.load(session, BANK) == state
    assert session[answers.ACKNOWLEDGED] == "0,1,2"
    assert session[answers.FINGERPRINT] == BANK.fingerprint


def test_the_last_finding_can_be_acknowledged() -> None:
    session: dict[str, Any] = {}
    answers.save(session, BANK, Saved("self", {}, {FINDINGS[-1]}))
    assert answers.load(session, BANK) == Saved("self", {}, {FINDINGS[-1]})


def test_unknown_audiences_and_findings_are_not_saved() -> None:
    session: dict[str, Any] = {}
    answers.save(session, BANK, Saved("nobody", {}, {"not_a_finding", "overdose_now"}))
    assert session[answers.AUDIENCE] == -1 and session[answers.ACKNOWLEDGED] == "0"
    assert answers.load(session, BANK) is None


@pytest.mark.parametrize(
    ("kept", "expected"),
    [("", set()), ("1", {FINDINGS[1]}), ("0,99,x,1", {FINDINGS[0], FINDINGS[1]}), (7, set())],
)
def test_acknowledgements_that_do_not_fit_are_dropped(kept: Any, expected: set[str]) -> None:
    session = saved_session(**{answers.ACKNOWLEDGED: kept})
    loaded = answers.load(session, BANK)
    assert loaded is not None and loaded.acknowledged == expected


def test_nothing_is_loaded_before_an_audience_is_chosen() -> None:
    assert answers.load({}, BANK) is None
    assert answers.load({answers.AUDIENCE: 3}, BANK) is None
    assert not answers.has_answers({answers.LANGUAGE: 1})
    assert answers.has_answers({answers.AUDIENCE: 0})


def test_the_creation_time_is_written_once_and_the_last_seen_time_each_save(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = saved_session()
    assert session[answers.CREATED] == session[answers.LAST_SEEN] == NOW
    monkeypatch.setattr(time, "time", lambda: NOW + 500)
    answers.save(session, BANK, Saved("self"))
    assert (session[answers.CREATED], session[answers.LAST_SEEN]) == (NOW, NOW + 500)


# --- clear and the clocks ---------------------------------------------------------------


@pytest.mark.parametrize("language", [None, 0, 1])
def test_clear_forgets_everything_but_the_language(language: int | None) -> None:
    session = saved_session(csrf_token="x", _flashes=[("message", "hi")])
    session.pop(answers.LANGUAGE)
    if language is not None:
        session[answers.LANGUAGE] = language
    answers.clear(session)
    assert session == ({} if language is None else {answers.LANGUAGE: language})


@pytest.mark.parametrize(
    ("change", "elapsed", "reason"),
    [
        ({}, 0, None),
        ({}, IDLE, None),  # exactly at the idle limit: still kept
        ({}, IDLE + 1, "idle"),
        ({answers.LAST_SEEN: NOW + 1}, 0, "idle"),  # seen in the future
        ({answers.LAST_SEEN: "soon"}, 0, "idle"),
        ({answers.FINGERPRINT: "0000"}, 0, "changed"),
        ({answers.CREATED: NOW - LIFETIME, answers.LAST_SEEN: NOW}, 0, None),
        ({answers.CREATED: NOW - LIFETIME - 1, answers.LAST_SEEN: NOW}, 0, "lifetime"),
        ({answers.CREATED: NOW + 1}, 0, "lifetime"),  # created in the future
        ({answers.CREATED: "then"}, 0, "lifetime"),
        ({answers.PAUSED: 1}, IDLE + 1, None),  # on a "what to do now" page: no idle limit
        ({answers.PAUSED: 1, answers.CREATED: NOW - LIFETIME - 1}, 0, "lifetime"),
        ({answers.PAUSED: 2}, IDLE + 1, "idle"),
    ],
)
def test_stale_answers_are_dropped_for_the_right_reason(
    change: dict[str, Any], elapsed: int, reason: str | None
) -> None:
    session = saved_session(**{answers.LAST_SEEN: NOW - elapsed, **change})
    assert answers.check_fresh(session, BANK, IDLE, LIFETIME) == reason
    if reason is None:
        assert answers.load(session, BANK) is not None
    else:  # every key of the check goes, the creation time too; the language stays
        assert session == {answers.LANGUAGE: 1}


def test_after_a_reset_a_new_check_gets_a_new_creation_time(monkeypatch: pytest.MonkeyPatch) -> None:
    session = saved_session()
    monkeypatch.setattr(time, "time", lambda: NOW + LIFETIME + 1)
    assert answers.check_fresh(session, BANK, IDLE, LIFETIME) == "lifetime"
    answers.save(session, BANK, Saved("self"))
    assert session[answers.CREATED] == NOW + LIFETIME + 1
    assert answers.check_fresh(session, BANK, IDLE, LIFETIME) is None


def test_nothing_to_drop_before_an_audience_is_chosen() -> None:
    session = {answers.LANGUAGE: 1, answers.CREATED: 0}
    assert answers.check_fresh(session, BANK, IDLE, LIFETIME) is None
    assert session == {answers.LANGUAGE: 1, answers.CREATED: 0}


@pytest.mark.parametrize(("ago", "renewed"), [(0, False), (59, False), (60, True), (600, True)])
def test_the_last_seen_time_moves_only_a_minute_at_a_time(ago: int, renewed: bool) -> None:
    session = saved_session(**{answers.LAST_SEEN: NOW - ago})
    assert answers.check_fresh(session, BANK, IDLE, LIFETIME) is None
    assert session[answers.LAST_SEEN] == (NOW if renewed else NOW - ago)


def test_a_what_to_do_now_page_stops_the_idle_clock_until_it_is_left(monkeypatch: pytest.MonkeyPatch) -> None:
    session = saved_session()
    assert answers.idle_left(session, IDLE) == IDLE
    answers.pause(session)
    assert session[answers.PAUSED] == 1 and answers.idle_left(session, IDLE) is None
    monkeypatch.setattr(time, "time", lambda: NOW + 2 * IDLE)
    answers.resume(session)
    assert answers.PAUSED not in session and session[answers.LAST_SEEN] == NOW + 2 * IDLE
    assert answers.idle_left(session, IDLE) == IDLE


def test_pause_and_resume_touch_nothing_before_an_audience_is_chosen() -> None:
    session: dict[str, Any] = {}
    answers.pause(session)
    assert session == {}
    session[answers.PAUSED] = 1
    answers.resume(session)
    assert session == {}


@pytest.mark.parametrize(
    ("change", "left"),
    [
        ({answers.LAST_SEEN: NOW - 100}, IDLE - 100),
        ({answers.LAST_SEEN: NOW - IDLE - 100}, 0),
        ({answers.LAST_SEEN: "x"}, None),
        ({answers.PAUSED: 1}, None),
        ({answers.PAUSED: 0}, IDLE),
    ],
)
def test_idle_left_counts_down_from_the_last_request(change: dict[str, Any], left: int | None) -> None:
    assert answers.idle_left(saved_session(**change), IDLE) == left
    assert answers.idle_left({}, IDLE) is None


# --- a form that came back with errors --------------------------------------------------


def page(index: int) -> tuple[str, tuple[Question, ...]]:
    section = BANK.sections[index]
    return section.id, section.questions


def test_a_failed_post_is_shown_once_on_its_own_page() -> None:
    page_id, questions = page(0)
    posted = MultiDict([(q.id, q.all_options[-1].value) for q in questions[1:]])
    posted.add("not_a_question", "yes")
    session: dict[str, Any] = {}
    answers.keep_form_errors(session, page_id, questions, posted, tampered=False)
    kept = answers.take_form_errors(session, page_id, questions)
    assert kept is not None
    shown, tampered = kept
    assert not tampered
    assert shown.to_dict(flat=False) == {q.id: [q.all_options[-1].value] for q in questions[1:]}
    assert answers.take_form_errors(session, page_id, questions) is None  # once only


def test_a_failed_post_keeps_several_ticks_of_a_multi_question() -> None:
    page_id, questions = page(1)
    ticked = [o.value for o in questions[0].all_options[1:7]]  # a mask of two base-36 digits
    session: dict[str, Any] = {}
    answers.keep_form_errors(session, page_id, questions, MultiDict({questions[0].id: ticked}), False)
    kept = answers.take_form_errors(session, page_id, questions)
    assert kept is not None and kept[0].getlist(questions[0].id) == ticked


def test_a_refused_post_keeps_no_choice_and_says_it_was_refused() -> None:
    page_id, questions = page(0)
    session: dict[str, Any] = {}
    posted = MultiDict([(questions[0].id, questions[0].all_options[0].value)])
    answers.keep_form_errors(session, page_id, questions, posted, tampered=True)
    kept = answers.take_form_errors(session, page_id, questions)
    assert kept is not None and kept == (MultiDict(), True)


@pytest.mark.parametrize("kept", [None, 5, "safety|0", "safety|0|1|2", "use|0|1"])
def test_kept_errors_for_another_page_or_of_another_shape_are_dropped(kept: Any) -> None:
    page_id, questions = page(0)
    session = {answers.FORM_ERRORS: kept}
    assert answers.take_form_errors(session, page_id, questions) is None
    assert answers.FORM_ERRORS not in session
