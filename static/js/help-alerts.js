/* Help calls that are seen in the control room: a new call plays a short beep (WebAudio, no
   file), and the number of open calls shows in a badge at the top of the page and in the tab's
   title. The panel is redrawn on every change; the calls are its [data-help-call] items. */
(function () {
  "use strict";
  var panel = document.getElementById("panel");
  var alertBox = document.getElementById("help-alert");
  if (!panel || !alertBox) return;
  var alertText = document.getElementById("help-alert-text");
  var title = document.title, known = null, audio = null;

  // Browsers let a page play sound only after a gesture: the first click or key prepares it.
  function prepare() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { try { audio = new Context(); } catch (e) { audio = null; } }
    if (audio && audio.state === "suspended") audio.resume();
  }
  document.addEventListener("click", prepare, true);
  document.addEventListener("keydown", prepare, true);

  function beep() {
    if (!audio || audio.state !== "running") return;
    var oscillator = audio.createOscillator(), gain = audio.createGain(), t = audio.currentTime;
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(880, t);
    oscillator.frequency.setValueAtTime(660, t + 0.15);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
    oscillator.connect(gain); gain.connect(audio.destination);
    oscillator.start(t); oscillator.stop(t + 0.4);
  }

  function count() {
    var ids = Array.prototype.map.call(panel.querySelectorAll("[data-help-call]"), function (el) { return el.dataset.helpCall; });
    var fresh = known === null ? [] : ids.filter(function (id) { return known.indexOf(id) === -1; });
    known = ids;
    var n = ids.length;
    document.title = n ? "(" + n + ") " + title : title;
    alertBox.hidden = n === 0;
    alertText.textContent = n === 1 ? panel.dataset.helpOne : panel.dataset.helpMany.replace("%(n)s", n);
    document.body.dataset.helpCalls = String(n);
    if (fresh.length) { beep(); document.body.dataset.helpBeeps = String((parseInt(document.body.dataset.helpBeeps || "0", 10)) + 1); }
  }

  count();
  new MutationObserver(count).observe(panel, { childList: true, subtree: true });
})();
