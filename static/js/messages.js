/* Messages that are seen, on every live page of a person (it listens to live.js's "wti:live").
   - The broadcast box shows the last message to everyone of this phase; it goes when the phase
     ends (the event's state then carries no message).
   - The room keeps a dated list of its messages, newest first; each can be dismissed (this device
     remembers which).
   - A minute before the phase's planned end, a warning shows (from the countdown's end time, on
     the server's clock). */
(function () {
  "use strict";
  var labelsEl = document.getElementById("messages-labels");
  var T = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  var list = document.getElementById("room-messages");
  var section = list ? list.closest("section") : null;
  var storageKey = section ? section.dataset.storageKey : null;
  var broadcast = document.getElementById("broadcast");
  var countdown = document.getElementById("countdown");
  var warning = document.getElementById("minute-warning");
  var clockOffset = 0, warnedFor = null;

  function dismissed() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "[]"); } catch (e) { return []; }
  }

  function showList() {
    if (section) section.hidden = !list.querySelector("li[data-message]");
  }

  function dismiss(item) {
    var ids = dismissed();
    ids.push(item.dataset.message);
    try { localStorage.setItem(storageKey, JSON.stringify(ids.slice(-200))); } catch (e) { /* still gone here */ }
    item.remove();
    showList();
  }

  function timeOf(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function add(message, everyone) {
    if (!list || !message || message.id === undefined) return;
    var id = String(message.id);
    if (list.querySelector('li[data-message="' + id + '"]') || dismissed().indexOf(id) !== -1) return;
    var li = document.createElement("li");
    li.dataset.message = id;
    var time = document.createElement("time");
    time.dateTime = message.at || "";
    time.textContent = timeOf(message.at);
    li.appendChild(time);
    li.appendChild(document.createTextNode(" "));
    if (everyone) {
      var badge = document.createElement("span");
      badge.className = "badge"; badge.textContent = T.everyone;
      li.appendChild(badge);
      li.appendChild(document.createTextNode(" "));
    }
    var text = document.createElement("span");
    text.className = "message-text"; text.textContent = message.text;
    li.appendChild(text);
    li.appendChild(document.createTextNode(" "));
    var button = document.createElement("button");
    button.type = "button"; button.className = "link"; button.dataset.dismiss = "";
    button.textContent = T.dismiss;
    li.appendChild(button);
    list.insertBefore(li, list.firstChild);  // newest first
    showList();
  }

  if (list) {
    var gone = dismissed();
    list.querySelectorAll("li[data-message]").forEach(function (li) {
      if (gone.indexOf(li.dataset.message) !== -1) li.remove();
    });
    showList();
    list.addEventListener("click", function (e) {
      var button = e.target.closest("[data-dismiss]");
      if (button) dismiss(button.closest("li"));
    });
  }

  document.addEventListener("wti:live", function (e) {
    var data = e.detail || {};
    if (data.server_time) clockOffset = Date.parse(data.server_time) - Date.now();
    if (data.type === "event.state") {
      if (broadcast && !data.message) { broadcast.hidden = true; broadcast.textContent = ""; }
      if (data.message) add(data.message, true);
    } else if (data.type === "room.message") {
      add(data, false);
    }
  });

  function checkMinute() {
    if (!countdown || !warning) return;
    var ends = countdown.getAttribute("data-ends-at");
    var left = ends ? Date.parse(ends) - (Date.now() + clockOffset) : NaN;
    if (left > 0 && left <= 60000) {
      if (warnedFor !== ends) { warnedFor = ends; warning.textContent = T.oneMinute; warning.hidden = false; }
    } else if (!warning.hidden) {
      warning.hidden = true;  // the phase was extended, or it is over
    }
  }
  checkMinute();
  setInterval(checkMinute, 1000);
})();
