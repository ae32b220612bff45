// The "temporarily unavailable" page (templates/503.html): it loads itself again every 15 seconds
// until the reader presses "Stop trying again" (a timed refresh the reader can turn off).
(function () {
  "use strict";
  var button = document.getElementById("retry-stop");
  var timer = setTimeout(function () { window.location.reload(); }, 15000);
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    clearTimeout(timer);
    button.hidden = true;
  });
})();
