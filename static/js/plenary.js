/* The plenary screen: renders the full snapshot its stream pushes, keeping only the newest version.
   (It draws, rather than fetching server-rendered figures as the other pages do: one fetch per
   screen per broadcast would multiply the load of a plenary watched on thousands of phones.) */
(function () {
  "use strict";
  var fmt = WTIText.fmt, el = WTIText.el;
  var T = JSON.parse(document.getElementById("plenary-labels").textContent);
  var current = null;

  function pct(value) { return value === null || value === undefined ? null : Math.round(value) + " %"; }

  var SVG = "http://www.w3.org/2000/svg";

  // A bar of the one bar chart, in the markup of templates/includes/bar_chart.html (and its
  // static/css/bar-chart.css): the figure as text on the bar, the bar hidden from screen readers,
  // its width an SVG attribute rather than a style.
  function bar(kind, percent, label) {
    var outer = el("div", "bar " + kind);
    var track = document.createElementNS(SVG, "svg");
    track.setAttribute("class", "bar-track");
    track.setAttribute("aria-hidden", "true");
    track.setAttribute("focusable", "false");
    var fill = document.createElementNS(SVG, "rect");
    fill.setAttribute("width", Math.max(0, Math.min(100, percent || 0)).toFixed(1) + "%");
    fill.setAttribute("height", "100%");
    track.appendChild(fill);
    outer.appendChild(track);
    outer.appendChild(el("span", "bar-value", label));
    return outer;
  }

  function scopeLabel(ref) {
    if (!ref) return "";
    return ref.scope === "global" ? T.global : ref.scope_name;
  }

  function referenceLabel(ref) {
    if (ref.live) return fmt(T.world, { scope: ref.scope_name, sites: ref.sites_reported });
    return fmt(T.reference, { scope: scopeLabel(ref) });
  }

  function render(s) {
    document.getElementById("groups-submitted").textContent = fmt(T.submitted, { n: s.groups_submitted, total: s.groups_total });
    document.getElementById("reference-label").textContent = s.reference ? referenceLabel(s.reference) : "";
    document.getElementById("illustrative").hidden = !(s.reference && s.reference.illustrative);

    var screen = document.getElementById("on-screen");
    screen.textContent = "";
    if (s.on_screen) {
      screen.appendChild(el("h2", "", fmt(T.onScreen, { group: s.on_screen.group })));
      if (!s.on_screen.points.length) screen.appendChild(el("p", "", T.noPoints));
      s.on_screen.points.forEach(function (p) {
        screen.appendChild(el("h3", "", p.question));
        screen.appendChild(el("blockquote", "", p.text));
      });
    }
    screen.hidden = !s.on_screen;

    var root = document.getElementById("plenary-results");
    root.textContent = "";
    if (!s.results_visible) { root.appendChild(el("p", "hidden-results", T.hidden)); return; }
    var legend = el("p", "legend");
    var a = el("span"); a.appendChild(el("span", "key ours")); a.appendChild(document.createTextNode(T.ours)); legend.appendChild(a);
    if (s.reference) {
      var b = el("span"); b.appendChild(el("span", "key reference"));
      b.appendChild(document.createTextNode(referenceLabel(s.reference))); legend.appendChild(b);
    }
    root.appendChild(legend);
    var any = false;
    s.sessions.forEach(function (session) {
      if (s.sessions.length > 1) root.appendChild(el("h2", "", session.title));
      session.questions.forEach(function (q) {
        any = true;
        var box = el("section", "plenary-question");
        box.appendChild(el("h3", "", q.text));
        var n = q.measure === "ranked_first" ? fmt(T.nGroups, { n: q.n }) + " · " + T.rankedFirst : fmt(T.n, { n: q.n });
        if (q.mean !== undefined && q.mean !== null) n += " · " + fmt(T.mean, { mean: q.mean });
        var refN = null;
        q.options.forEach(function (o) { if (o.reference) refN = o.reference.n; });
        if (refN !== null) n += " | " + referenceLabel(s.reference) + ": " + fmt(T.n, { n: refN });
        box.appendChild(el("p", "n", n));
        q.options.forEach(function (o) {
          var row = el("div", "bar-row");
          row.appendChild(el("span", "", o.label));
          var pair = el("div", "bar-pair");
          pair.appendChild(bar("ours", o.percent, (pct(o.percent) || T.noData) + (o.percent !== null ? " (" + o.count + ")" : "")));
          if (s.reference) pair.appendChild(bar("reference", o.reference ? o.reference.percent : 0, o.reference ? pct(o.reference.percent) : T.noData));
          row.appendChild(pair);
          box.appendChild(row);
        });
        root.appendChild(box);
      });
    });
    if (!any) root.appendChild(el("p", "hidden-results", T.empty));
  }

  function accept(snapshot) {
    if (!snapshot || snapshot.type !== "plenary.snapshot") return;
    if (current && snapshot.version < current.version) return; // an older recompute arriving late
    current = snapshot;
    render(snapshot);
  }

  accept(JSON.parse(document.getElementById("plenary-snapshot").textContent));
  var socket = new window.LiveSocket(document.body.dataset.stream, {
    indicator: document.getElementById("connection"),
    labels: { live: T.live, reconnecting: T.reconnecting, refused: T.refused },
    onMessage: accept
  });
  // A safety net: if a broadcast was lost (Redis restarting), ask again every few seconds.
  (function again() {
    setTimeout(function () { socket.send({ type: "refresh" }); again(); }, 5000 + Math.random() * 2000);
  })();
})();
