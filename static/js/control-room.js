/* The control room: follows the event over its websocket, refreshes the panel (the server renders
   it; static/js/fragment.js swaps it in), and sends the panel's actions in the background. Labels
   come from #control-labels. */
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("control-labels").textContent);
  var panel = document.getElementById("panel"), last = 0;
  var scheduled = false, inFlight = false, again = false;
  function refresh(now) {
    // At most one panel refresh a second, however many changes arrive; an action's own
    // answer refreshes at once, so the panel shows the new state it reported. A change that
    // arrives while the panel is being fetched fetches it once more afterwards: the fetch in
    // flight may have been answered before that change.
    if (inFlight) { again = true; return; }
    if (scheduled && !now) return;
    scheduled = true;
    setTimeout(load, now ? 0 : Math.max(0, 1000 - (Date.now() - last)));
  }
  function load() {
    scheduled = false;
    if (inFlight) { again = true; return; }
    inFlight = true;
    fetch(location.pathname + "?panel=1", {credentials: "same-origin"}).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        WTIFragment.fill(panel, html); // the server's panel, keeping what was typed and the focus
        startCountdown(document.getElementById("countdown"), socket);
      })
      .catch(function () { again = true; })
      .finally(function () {
        inFlight = false; last = Date.now();
        if (again) { again = false; refresh(); }
      });
  }
  var timer = null;
  var socket = new LiveSocket("/ws/events/" + document.body.dataset.event + "/control/", {
    indicator: document.getElementById("connection"),
    labels: {live: T.live, reconnecting: T.reconnecting, refused: T.refused},
    onMessage: function (data) {
      if (data.type === "allocation.progress") {
        var bar = document.getElementById("allocation-progress");
        if (bar) { bar.value = data.progress; bar.hidden = false; }
        var label = document.getElementById("allocation-progress-label");
        if (label) label.textContent = Math.round(data.progress * 100) + " %";
      } else if (data.type !== "pong") {
        refresh();
      }
    }
  });
  timer = startCountdown(document.getElementById("countdown"), socket);

  // Actions are sent in the background, so the page keeps following the event while they run.
  var status = document.getElementById("action-status");
  panel.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.action || form.method.toLowerCase() !== "post") return;
    e.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    status.className = "action-status"; status.textContent = T.working;
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                        headers: {"Accept": "application/json", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value}})
      .then(function (r) {
        return r.json().catch(function () {
          return {ok: false, message: T.unexpected + " (HTTP " + r.status + ")"};
        });
      })
      .then(function (data) {
        status.className = "action-status " + (data.ok ? "ok" : "error");
        status.textContent = data.message + (data.warnings && data.warnings.length ? " " + data.warnings.join(" ") : "");
        if (data.link) {
          var a = document.createElement("a"); a.href = data.link; a.textContent = data.link_label || data.link;
          status.appendChild(document.createTextNode(" ")); status.appendChild(a);
        }
        if (data.ok && form.querySelector("[name=text]")) form.querySelector("[name=text]").value = "";
        refresh(true);
      })
      .catch(function () { status.className = "action-status error"; status.textContent = T.unreachable; })
      .finally(function () { if (button) button.disabled = false; });
  });
})();
