// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary, so screen readers and keyboards start there.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // "Exit this page": pressing Shift three times in a row leaves, as on GOV.UK.
  var exitButton = document.getElementById("exit-this-page");
  var presses = 0;
  var timer = null;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !exitButton) { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1000);
    if (presses >= 3) { exitButton.form.submit(); }
  });

  // A print button for browsers with scripts; others read the hint beside it.
  Array.prototype.forEach.call(document.querySelectorAll(".js-print"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".print-hint"), function (hint) {
    hint.hidden = true;
  });

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
