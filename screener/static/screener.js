// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary, so screen readers and keyboards start there.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // A link to a question (the error summary's, or "Change" from check answers) focuses its
  // fieldset and scrolls its legend into view below the sticky bar (CSS scroll-padding), as
  // govuk-frontend's error summary does.
  function showQuestion(id) {
    var target = id && document.getElementById(id);
    if (!target || target.tagName !== "FIELDSET") { return false; }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
    return true;
  }
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      if (link && showQuestion(link.getAttribute("href").slice(1))) {
        event.preventDefault();
        if (history.replaceState) { history.replaceState(null, "", link.getAttribute("href")); }
      }
    });
  } else if (location.hash) {
    showQuestion(location.hash.slice(1));
  }

  // "Exit this page", as on GOV.UK: blank the page at once, tell the server to forget in the
  // background, and replace this page in the history so Back does not return to it.
  // Without scripts the form still posts, clears the answers and redirects.
  var exitButton = document.getElementById("exit-this-page");
  var exitForm = exitButton && exitButton.form;
  var exitUrl = exitForm && exitForm.getAttribute("data-exit-url");
  function leave(event) {
    if (window.speechSynthesis) { window.speechSynthesis.cancel(); }  // stop any "Listen" at once
    if (!exitUrl || !window.fetch) { return; }  // the plain form does the work
    if (event) { event.preventDefault(); }
    document.documentElement.className += " is-exiting";
    document.title = exitForm.getAttribute("data-exit-title") || "Loading";
    try {
      fetch(exitForm.action, {
        method: "POST", credentials: "same-origin", keepalive: true, redirect: "manual"
      });
    } catch (ignored) { /* the exit must happen even if the request cannot be sent */ }
    window.location.replace(exitUrl);
  }
  if (exitForm) { exitForm.addEventListener("submit", leave); }

  // The Shift tip is for keyboards: hide it on touch screens.
  if (navigator.maxTouchPoints > 0 || "ontouchstart" in window) {
    Array.prototype.forEach.call(document.querySelectorAll(".exit-hint"), function (tip) {
      tip.hidden = true;
    });
  }

  // Pressing Shift three times in a row leaves too.
  var presses = 0;
  var timer = null;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !exitButton) { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1000);
    if (presses >= 3) {
      presses = 0;
      if (exitUrl && window.fetch) { leave(null); } else { exitForm.submit(); }
    }
  });

  // No silent expiry (GOV.UK's timeout warning): two minutes before the answers are cleared
  // for no activity, ask. "Keep my answers" (or Escape) restarts the clock on the server; at the
  // limit, leave for the start page, which says the answers were cleared.
  var timeout = document.getElementById("timeout");
  var idleLeft = timeout ? parseInt(timeout.getAttribute("data-idle-left"), 10) : NaN;
  if (timeout && idleLeft >= 0 && typeof timeout.showModal === "function") {
    var idleSeconds = parseInt(timeout.getAttribute("data-idle-seconds"), 10);
    var timers = [];
    var schedule = function (seconds) {
      timers.forEach(clearTimeout);
      timers = [
        setTimeout(function () { if (!timeout.open) { timeout.showModal(); } }, Math.max(0, seconds - 120) * 1000),
        setTimeout(function () { window.location.replace(timeout.getAttribute("data-expired")); }, (seconds + 1) * 1000)
      ];
    };
    var keep = function () {
      fetch(timeout.getAttribute("data-still-here"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { if (response.ok) { schedule(idleSeconds); } });
      if (timeout.open) { timeout.close(); }
    };
    timeout.querySelector(".js-keep").addEventListener("click", keep);
    timeout.addEventListener("cancel", function (event) { event.preventDefault(); keep(); });
    schedule(idleLeft);
  }

  // A print button for browsers with scripts; others read the hint beside it.
  Array.prototype.forEach.call(document.querySelectorAll(".js-print"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".print-hint"), function (hint) {
    hint.hidden = true;
  });
  Array.prototype.forEach.call(document.querySelectorAll(".js-print-link"), function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
  });

  // A printout shows every disclosure open (CSS does it too, where the browser can).
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  // A link to a numbered source opens the list it sits in.
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var box = target && target.closest && target.closest("details");
    if (box && !box.open) { box.open = true; target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  // "None of these" is exclusive: choosing it clears the others, and the other way round.
  Array.prototype.forEach.call(document.querySelectorAll("input[data-exclusive]"), function (none) {
    var group = document.querySelectorAll('input[type="checkbox"][name="' + none.name + '"]');
    Array.prototype.forEach.call(group, function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) { return; }
        Array.prototype.forEach.call(group, function (other) {
          if (other !== box && (box === none || other === none)) { other.checked = false; }
        });
      });
    });
  });
})();
