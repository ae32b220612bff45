/* The plenary as slides (?present=1): shows the slide the organiser chose in the control room
   (the `plenary.presenter` payload, or the `presenter` of a `plenary.snapshot`), and lets this
   screen move by itself with the keyboard (→ ← space, Page Down/Up), F for full screen, Escape
   to leave it, and the bar's buttons. A local move only moves this screen, until the organiser's
   next command. The slides are server-rendered (escaped): when the figures change (a new
   snapshot, or figures revealed or hidden) they are fetched again and swapped in, each bar
   starting from its old width so that it grows (static/css/presenter.css). Labels come from
   #presenter-labels. */
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("presenter-labels").textContent);
  var fmt = WTIText.fmt;
  var deck = document.getElementById("deck");
  var previous = document.getElementById("slide-previous");
  var next = document.getElementById("slide-next");
  var counter = document.getElementById("slide-counter");

  function stateOf(box) {
    return {
      version: Number(box.dataset.presentVersion), slide: Number(box.dataset.slide),
      group: box.dataset.group ? Number(box.dataset.group) : null, reveal: box.dataset.reveal
    };
  }
  var state = stateOf(deck); // the organiser's newest command
  var shown = state.slide, group = state.group; // what this screen shows
  var figures = Number(deck.dataset.version); // the snapshot version the slides were rendered with

  function numbered() { return deck.querySelectorAll(".slide[data-index]"); }

  function show() {
    var list = numbered();
    shown = Math.max(0, Math.min(list.length - 1, shown));
    var target = group !== null ? document.getElementById("slide-group-" + group) : null;
    if (!target) target = list[shown]; // a group not in these slides yet: they are fetched again
    Array.prototype.forEach.call(deck.querySelectorAll(".slide"), function (slide) { slide.hidden = slide !== target; });
    document.body.dataset.showing = target.id;
    if (target.dataset.group) {
      var title = target.querySelector(".slide-heading");
      counter.textContent = title ? title.textContent : "";
    } else {
      counter.textContent = fmt(T.counter, { n: shown + 1, total: list.length });
    }
    var inOrder = !target.dataset.group;
    previous.disabled = inOrder && shown === 0;
    next.disabled = inOrder && shown === list.length - 1;
  }

  function move(step) {
    var covering = group !== null && document.getElementById("slide-group-" + group);
    group = null;
    if (!covering) shown += step; // else back to the numbered slide the group's covered
    show();
  }

  function follow(command) {
    if (!command || typeof command.version !== "number" || command.version <= state.version) return;
    var revealChanged = command.reveal !== state.reveal;
    state = command; shown = command.slide; group = command.group;
    show();
    var unknownGroup = command.group !== null && !document.getElementById("slide-group-" + command.group);
    if (revealChanged || unknownGroup || command.reveal !== deck.dataset.reveal) reload();
  }

  // Each bar of the fresh slides starts at its old width, then grows to its new one.
  function widthsOf(box) {
    var widths = {};
    Array.prototype.forEach.call(box.querySelectorAll(".slide-row[data-option]"), function (row) {
      var key = row.closest(".slide").id + "|" + row.dataset.option;
      widths[key] = Array.prototype.map.call(row.querySelectorAll("rect"), function (r) { return r.getAttribute("width"); });
    });
    return widths;
  }

  var loading = false, again = false, pause = 300; // the wait before fetching again, longer after each failure
  function reload() {
    if (loading) { again = true; return; }
    loading = true;
    fetch(document.body.dataset.deckUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var parsed = new DOMParser().parseFromString(html, "text/html").getElementById("deck");
        if (!parsed) return;
        var fresh = document.importNode(parsed, true), old = widthsOf(deck), grow = [];
        Array.prototype.forEach.call(fresh.querySelectorAll(".slide-row[data-option]"), function (row) {
          var before = old[row.closest(".slide").id + "|" + row.dataset.option] || [];
          Array.prototype.forEach.call(row.querySelectorAll("rect"), function (rect, i) {
            if (before[i] && before[i] !== rect.getAttribute("width")) {
              grow.push([rect, rect.getAttribute("width")]);
              rect.setAttribute("width", before[i]);
            }
          });
        });
        deck.replaceWith(fresh);
        deck = fresh;
        figures = Math.max(figures, Number(fresh.dataset.version));
        var rendered = stateOf(fresh);
        if (rendered.version > state.version) { state = rendered; shown = rendered.slide; group = rendered.group; }
        if (rendered.version < state.version) again = true; // rendered before the newest command
        show();
        requestAnimationFrame(function () {
          requestAnimationFrame(function () { grow.forEach(function (g) { g[0].setAttribute("width", g[1]); }); });
        });
      })
      .then(function () { pause = 300; })
      .catch(function () { again = true; pause = Math.min(pause * 2, 10000); })
      .finally(function () {
        loading = false;
        if (again) { again = false; setTimeout(reload, pause); }
      });
  }

  function accept(message) {
    if (!message) return;
    if (message.type === "plenary.presenter") follow(message);
    else if (message.type === "plenary.snapshot") {
      if (typeof message.version === "number" && message.version > figures) { figures = message.version; reload(); }
      follow(message.presenter);
    }
  }

  function fullScreen() {
    if (document.fullscreenElement) { if (document.exitFullscreen) document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(function () {});
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    if (e.key === "ArrowRight" || e.key === "PageDown" || (e.key === " " && tag !== "BUTTON")) { e.preventDefault(); move(1); }
    else if (e.key === "ArrowLeft" || e.key === "PageUp") { e.preventDefault(); move(-1); }
    else if (e.key === "f" || e.key === "F") fullScreen();
    else if (e.key === "Escape" && document.fullscreenElement) document.exitFullscreen();
  });
  previous.addEventListener("click", function () { move(-1); });
  next.addEventListener("click", function () { move(1); });
  document.getElementById("slide-fullscreen").addEventListener("click", fullScreen);
  show();

  var socket = new window.LiveSocket(document.body.dataset.stream, {
    indicator: document.getElementById("connection"),
    labels: { live: T.live, reconnecting: T.reconnecting, refused: T.refused },
    onMessage: accept
  });
  // A safety net, as on the plenary screen: a lost broadcast is made good within seconds.
  (function again() {
    setTimeout(function () { socket.send({ type: "refresh" }); again(); }, 5000 + Math.random() * 2000);
  })();
})();
