/* A person's own page (lobby, room or closing page) follows the event: phase, countdown,
   messages, presence, help calls; it reloads when the person's view changes. On the closing
   page, the presenter's slide (`plenary.slide`) comes drawn for "On the screen now" (or, in
   another language, makes it fetch at once); its regular fetch stays as a safety net: every
   10 s while the websocket is up, every 3 s while it is down. Labels come from #live-labels. */
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("live-labels").textContent);
  var page = document.body.dataset;
  var renderedKey = page.viewKey, renderedView = page.view;
  var countdown = document.getElementById("countdown");
  var slideAsked = false, slideWanted = 0; // the newest slide version heard of
  var socketOpened = false;

  function onScreen() { return window.WTIFragment && window.WTIFragment.handle("closing-now"); }
  function slideBehind() {
    var box = document.getElementById("closing-now");
    var shown = box ? parseInt(box.dataset.version || "", 10) : NaN;
    return isNaN(shown) || shown < slideWanted;
  }
  // The slide's box as the server drew it for the whole room, with this phone's group marked.
  function markMine(box) {
    var mark = document.getElementById("now-mine");
    var group = mark && mark.dataset.group;
    if (!group) return;
    box.querySelectorAll(".now-card[data-group]").forEach(function (card) {
      if (card.dataset.group !== group || card.classList.contains("mine")) return;
      card.classList.add("mine");
      var heading = card.querySelector("h3");
      if (heading) heading.appendChild(document.importNode(mark.content, true));
    });
  }
  // Every phone in the room hears the slide at once. It comes drawn in the page's language: shown
  // at once, no request. Else each phone fetches it within 300 ms, not together, and not at all
  // when the answer it is waiting for already shows that slide.
  function slideChanged(version, drawn) {
    var handle = onScreen();
    if (!handle) return;
    slideWanted = Math.max(slideWanted, version || 0);
    var html = drawn && drawn[document.documentElement.lang];
    if (html && slideBehind() && handle.put(html, markMine)) return;
    if (slideAsked || !slideBehind()) return; // one fetch already waits: it will read the newest slide
    slideAsked = true;
    setTimeout(function () { slideAsked = false; handle.now(slideBehind); }, Math.random() * 300);
  }
  // With the websocket up, the slides come as news: the regular fetch is only a safety net.
  document.addEventListener("wti:open", function () {
    var handle = onScreen();
    if (!handle) return;
    handle.every(10);
    if (socketOpened) handle.now(); // back after a drop: catch up on what was missed meanwhile
    socketOpened = true;
  });
  document.addEventListener("wti:closed", function () {
    var handle = onScreen();
    if (handle) handle.every(3);
  });

  function membersAgain() {
    var list = document.getElementById("room-members");
    if (!list) return;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("room-members");
        var now = document.getElementById("room-members");
        if (fresh && now) now.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () { /* the next change, or a reload after the call, shows it */ });
  }

  var socket = new LiveSocket("/ws/events/" + page.event + "/me/", {
    indicator: document.getElementById("connection"), heartbeat: 20000,
    labels: {live: T.live, reconnecting: T.reconnecting, refused: T.refused},
    onMessage: function (data) {
      if (data.type === "event.state") {
        var key = (data.phase ? data.phase.id : "") + ":" + (data.allocation || "");
        if ((data.view && data.view !== renderedView) || key !== renderedKey) {
          // Everyone moves at once: spread the reloads over a second and a half.
          setTimeout(function () { location.reload(); }, Math.random() * 1500);
          return;
        }
        document.getElementById("phase-title").textContent = data.phase ? phaseTitle(data.phase) : T.waiting;
        countdown.setAttribute("data-ends-at", data.phase && data.phase.ends_at ? data.phase.ends_at : "");
        var box = document.getElementById("broadcast");
        if (data.message) { box.textContent = data.message.text; box.hidden = false; }
      } else if (data.type === "room.message") {
        var box2 = document.getElementById("broadcast"); box2.textContent = data.text; box2.hidden = false;
      } else if (data.type === "room.presence") {
        document.querySelectorAll("[data-member]").forEach(function (el) {
          var on = data.connected.indexOf(parseInt(el.dataset.member, 10)) !== -1;
          el.classList.toggle("online", on);
          el.querySelector(".presence").textContent = on ? T.connected : T.notConnected;
        });
      } else if (data.type === "plenary.slide") {
        slideChanged(data.version, data.html);
      } else if (data.type === "help.acknowledged") {
        var help = document.getElementById("help-status");
        if (help) help.textContent = T.onTheWay;
      } else if (data.type === "room.changed" && window.WTIVideoCall && window.WTIVideoCall.active()) {
        // Someone else came or went: a reload would cut everyone's call, so only the list of
        // the group's members is fetched again (the call itself shows its own arrivals).
        membersAgain();
      } else if (data.type === "person.moved" || data.type === "room.changed") {
        setTimeout(function () { location.reload(); }, Math.random() * 1000);
      }
    }
  });
  startCountdown(countdown, socket);
  // The room's video call (video-call.js) signals over this same websocket.
  window.WTICallSocket = socket;
  var helpForm = document.getElementById("help-form");
  if (helpForm) helpForm.addEventListener("submit", function (e) {
    e.preventDefault();
    fetch(helpForm.action, {method: "POST", headers: {"X-CSRFToken": helpForm.querySelector("[name=csrfmiddlewaretoken]").value, "Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); document.getElementById("help-status").textContent = T.called; })
      .catch(function () { document.getElementById("help-status").textContent = T.unreachable; });
  });
})();
