// "Listen": read the page aloud with the device's own voice (the Web Speech API). Nothing is
// fetched and no text leaves the device: only voices that run on the device are used.
// Progressive enhancement: without this script or without speech synthesis there is no control.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var box = document.querySelector(".listen");
  if (!box || !synth || !window.SpeechSynthesisUtterance) { return; }
  var button = box.querySelector("button");
  var status = box.querySelector(".listen__status");
  var BLOCKS = "h1, h2, h3, p, li, legend, label, .hint, dt, dd, th, td, .answers-part__summary";
  // Not read: this control, navigation, source numbers, what only prints.
  // (A closed fold's content is left out here: a browser may still lay it out.)
  var SKIP = ".listen, .source-refs, .print-only, .next-steps__more, [data-listen-skip], [hidden], " +
    "details:not([open]) > :not(summary)";
  // A pause after these, which the screen sets apart by layout alone.
  var PAUSE_AFTER = ".care-card__level, a.button";
  var lang = box.getAttribute("data-voice");
  var digits = (box.getAttribute("data-digits") || "").split(" ");
  if (digits.length !== 10) { digits = "0123456789".split(""); }
  // Numbers read digit by digit: the helplines' (from the page) and any number with two dashes;
  // not a number inside a word or an address (988lifeline.org).
  var numbers = (box.getAttribute("data-numbers") || "").split("|").filter(Boolean)
    .sort(function (a, b) { return b.length - a.length; })
    .map(function (n) { return n.replace(/[^\w\s]/g, "\\$&"); });
  var NUMBER = new RegExp("(^|[^\\w-])(" + numbers.concat(["\\d+(?:-\\d+){2,}"]).join("|") + ")(?![\\w-])", "g");
  // Short names said letter by letter, as people say them ("F D A", not "fda"), in any language.
  var SPELL = /\b(AAP|ASL|CBT|CDC|COPD|DEA|ECG|ER|FDA|GP|HHS|HIV|MME|NHS|OTC|OUD|TTY)\b/g;
  var voice = null;
  var queue = [];
  var on = false;
  var run = 0;  // each start or stop begins a new run; events from an older one are ignored

  // A local voice of the page's language: its own region first (en-US), then any (en-GB).
  function findVoice() {
    var local = synth.getVoices().filter(function (v) { return v.localService !== false; });
    function tag(v) { return String(v.lang || "").replace("_", "-").toLowerCase(); }
    var want = lang.toLowerCase();
    var base = want.split("-")[0];
    return local.filter(function (v) { return tag(v) === want; })[0] ||
      local.filter(function (v) { return tag(v) === base || tag(v).indexOf(base + "-") === 0; })[0] || null;
  }

  function show(state) {
    box.setAttribute("data-state", state);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    status.textContent = box.getAttribute("data-" + state) || "";
  }

  function setUp() {
    // No voice at all is no speech synthesis: no control (a phone with voices, but none in
    // the page's language, is told so below).
    if (!synth.getVoices().length) { voice = null; stop(); box.hidden = true; return; }
    voice = findVoice();
    box.hidden = false;
    button.disabled = !voice;
    if (!voice) { stop(); show("novoice"); } else if (!on) { show("off"); }
  }

  function spoken(text) {
    var lettered = text.replace(SPELL, function (name) { return name.split("").join(" "); });
    return lettered.replace(NUMBER, function (all, before, number) {
      return before + number.split(/[^\d]+/).map(function (group) {
        return group.split("").map(function (d) { return digits[+d]; }).join(" ");
      }).join(", ");
    });
  }

  function textOf(block) {
    var copy = block.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(SKIP), function (e) { e.parentNode.removeChild(e); });
    Array.prototype.forEach.call(copy.querySelectorAll(PAUSE_AFTER), function (e) {
      if (!/[.,:;!?]\s*$/.test(e.textContent)) { e.appendChild(document.createTextNode(". ")); }
    });
    var text = copy.textContent.replace(/\s+/g, " ").trim();
    var list = block.parentNode;
    if (block.tagName === "LI" && list.tagName === "OL") {
      text = (Array.prototype.indexOf.call(list.children, block) + 1) + ". " + text;
    }
    return spoken(text);
  }

  // What a part of the page says, one block at a time, in order; hidden parts are left out.
  function blocksIn(root) {
    return Array.prototype.filter.call(root.querySelectorAll(BLOCKS), function (e) {
      return !e.querySelector(BLOCKS) && !e.closest(SKIP) && e.getClientRects().length > 0;
    }).map(textOf).filter(Boolean);
  }

  function next() {
    if (!on) { return; }
    if (!queue.length) {
      if (box.hasAttribute("data-follow")) { show("waiting"); } else { on = false; show("off"); }
      return;
    }
    var mine = run;
    var utterance = new window.SpeechSynthesisUtterance(queue.shift());
    utterance.lang = voice.lang;
    utterance.voice = voice;
    utterance.onend = function () { if (mine === run) { next(); } };
    // Cancelled from elsewhere (Exit), or the engine failed: the reading stops there.
    utterance.onerror = function () { if (mine === run) { stop(); show("off"); } };
    show("reading");
    synth.speak(utterance);
  }

  function read(texts) {
    var idle = !queue.length && box.getAttribute("data-state") !== "reading";
    queue = queue.concat(texts);
    if (idle) { next(); }
  }

  function stop() {
    run += 1;
    queue = [];
    if (synth.speaking || synth.pending || on) { synth.cancel(); }
    on = false;
  }

  button.addEventListener("click", function () {
    if (on) { stop(); show("off"); return; }
    setUp();
    if (!voice) { return; }
    stop();
    on = true;
    run += 1;
    var texts = [];
    Array.prototype.forEach.call(document.querySelectorAll(box.getAttribute("data-read")), function (part) {
      texts = texts.concat(blocksIn(part));
    });
    var follow = box.getAttribute("data-follow");
    if (follow) {  // parts already opened are read too
      Array.prototype.forEach.call(document.querySelectorAll(follow), function (part) {
        if (part.querySelector("details[open]")) { texts = texts.concat(blocksIn(part)); }
      });
    }
    box.setAttribute("data-state", "off");
    read(texts);
  });

  // While listening, each part the person opens is read after what is being read.
  document.addEventListener("toggle", function (event) {
    var follow = box.getAttribute("data-follow");
    var part = follow && event.target.open && event.target.closest(follow);
    if (on && part) { read(blocksIn(part)); }
  }, true);

  // Leaving the page, by a link, a form (Exit, Clear, Continue) or otherwise, stops at once.
  function leaving() { if (on || synth.speaking) { stop(); show("off"); } }
  document.addEventListener("submit", leaving, true);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link && link.getAttribute("href").charAt(0) !== "#") { leaving(); }
  }, true);
  window.addEventListener("pagehide", leaving);
  window.addEventListener("pageshow", function () { if (!on) { show(voice ? "off" : "novoice"); } });

  // Voices may arrive a little after the page (Chrome); until then the control waits unseen.
  setUp();
  if (synth.addEventListener) { synth.addEventListener("voiceschanged", setUp); } else { synth.onvoiceschanged = setUp; }
})();
