// A recorded speech engine, put in place before any page script runs (CDP
// Page.addScriptToEvaluateOnNewDocument). The settings replace SETTINGS:
//   voices: [[lang, name, local], ...]  the device's voices (local unless `local` is false), or
//   absent: true                 a browser without speech synthesis;
//   hold: true                   each utterance speaks until cancelled (else it ends at once).
// Each speak and cancel is kept in sessionStorage["speech-log"], so it outlives a page.
(function () {
  "use strict";
  var settings = SETTINGS;
  if (settings.absent) {
    Object.defineProperty(window, "speechSynthesis", {value: undefined, configurable: true});
    Object.defineProperty(window, "SpeechSynthesisUtterance", {value: undefined, configurable: true});
    return;
  }
  function log(entry) {
    var all = JSON.parse(sessionStorage.getItem("speech-log") || "[]");
    all.push(entry);
    sessionStorage.setItem("speech-log", JSON.stringify(all));
  }
  // A script error on the page is kept too: the tests show it.
  window.addEventListener("error", function (event) { log({error: event.message, page: location.pathname}); });
  var voices = settings.voices.map(function (v) {
    return {lang: v[0], name: v[1], localService: v.length > 2 ? v[2] : true, default: false, voiceURI: v[1]};
  });
  var queue = [];
  var current = null;
  function fire(utterance, name) {
    var handler = utterance["on" + name];
    if (handler) { handler.call(utterance, {type: name, utterance: utterance}); }
  }
  function next() {
    current = queue.shift() || null;
    if (!current) { return; }
    var spoken = current;
    fire(spoken, "start");
    if (!settings.hold) {
      setTimeout(function () {
        if (current !== spoken) { return; }
        current = null;
        fire(spoken, "end");  // which may speak again at once
        if (!current) { next(); }
      }, 5);
    }
  }
  var engine = {
    get speaking() { return current !== null; },
    get pending() { return queue.length > 0; },
    paused: false,
    getVoices: function () { return voices.slice(); },
    speak: function (utterance) {
      log({
        text: utterance.text, lang: utterance.lang,
        voice: utterance.voice ? utterance.voice.name : null, page: location.pathname
      });
      queue.push(utterance);
      if (!current) { next(); }
    },
    cancel: function () {
      log({cancel: true, speaking: current !== null, page: location.pathname});
      var dropped = current ? [current].concat(queue) : queue;
      queue = [];
      current = null;
      dropped.forEach(function (u) { fire(u, "error"); });
    },
    pause: function () {}, resume: function () {},
    addEventListener: function () {}, removeEventListener: function () {}
  };
  function Utterance(text) { this.text = text || ""; this.lang = ""; this.voice = null; }
  Object.defineProperty(window, "speechSynthesis", {value: engine, configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance, configurable: true});
})();
