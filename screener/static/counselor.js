// Progressive enhancement for the counselor's record: a copy button. Without scripts, the
// text stays selectable in its read-only box.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".js-copy"), function (button) {
    var box = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".js-copy-status");
    if (!box) { return; }
    button.hidden = false;
    // The messages come from the page, in its language (the English ones stand in).
    function say(name, english) { return button.getAttribute("data-" + name) || english; }
    function done(message) { if (status) { status.textContent = message; } }
    button.addEventListener("click", function () {
      box.focus();
      box.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(
          function () { done(say("copied", "Copied. Paste it into your notes.")); },
          function () { done(say("failed", "Could not copy. The text is selected: press Ctrl+C or Cmd+C.")); }
        );
        return;
      }
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
      done(copied ? say("copied", "Copied. Paste it into your notes.")
        : say("selected", "The text is selected: press Ctrl+C or Cmd+C."));
    });
  });
})();
