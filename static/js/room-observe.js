/* An organiser observing a room: follows the event over the control room's websocket, keeps the
   countdown and the phase title, and swaps in the server-rendered room (members, messages, help
   calls) when anything changes, at most once a second. */
(function (global) {
  "use strict";
  var T = JSON.parse(document.getElementById("observe-labels").textContent);
  var box = document.getElementById("observed"), countdown = document.getElementById("countdown");
  var pending = false;
  function reload() {
    if (pending) return;
    pending = true;
    setTimeout(function () {
      fetch(location.pathname + "?part=1", {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) global.WTIFragment.fill(box, html); })
        .catch(function () {})
        .finally(function () { pending = false; });
    }, 1000);
  }
  var socket = new global.LiveSocket("/ws/events/" + document.body.dataset.event + "/control/", {
    indicator: document.getElementById("connection"),
    labels: T,
    onMessage: function (data) {
      if (data.type === "event.state") {
        document.getElementById("phase-title").textContent = data.phase ? phaseTitle(data.phase) : T.waiting;
        countdown.setAttribute("data-ends-at", data.phase && data.phase.ends_at ? data.phase.ends_at : "");
        // The break-out is over: an organiser in the room's embedded call leaves it too.
        if (global.WTIJitsi && (!data.phase || data.phase.kind !== "breakout")) global.WTIJitsi.end();
      }
      // The room's call (video-call.js) hears its own messages; they change nothing shown here.
      if (data.type !== "pong" && data.type !== "allocation.progress" && data.type.indexOf("call.") !== 0) reload();
    }
  });
  global.startCountdown(countdown, socket);
  global.WTICallSocket = socket;
})(window);
