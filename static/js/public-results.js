/* The public results page fetches its own address again every few seconds and swaps in the new
   figures, so that a page left open fills as the sites report. The server renders the figures
   (escaped, cached for a second); nothing here builds markup from data. Without JavaScript the
   page keeps its "Refresh" link. */
(function () {
  "use strict";
  var box = document.getElementById("public-figures");
  if (!box || !window.fetch || !window.DOMParser) return;
  var seconds = Math.max(2, parseInt(box.dataset.refreshSeconds, 10) || 30);

  function stamp(root) {
    var time = root.querySelector("time[datetime]");
    return time ? time.getAttribute("datetime") : "";
  }

  function swap(fresh) {
    // Keep what the reader opened ("About these figures") open.
    var open = Array.prototype.map.call(box.querySelectorAll("details"), function (d) { return d.open; });
    var node = document.importNode(fresh, true);
    Array.prototype.forEach.call(node.querySelectorAll("details"), function (d, i) { d.open = !!open[i]; });
    box.replaceWith(node);
    box = node;
  }

  function refresh() {
    // Not while the reader is choosing a scope, nor while the page is hidden.
    if (document.hidden || box.contains(document.activeElement) && document.activeElement !== document.body) {
      return schedule();
    }
    fetch(location.href, { credentials: "same-origin", cache: "no-cache", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("public-figures");
        if (fresh && stamp(fresh) !== stamp(box)) swap(fresh);
      })
      .catch(function () { /* keep the figures shown; try again later */ })
      .then(schedule);
  }

  function schedule() { window.setTimeout(refresh, seconds * 1000); }

  schedule();
})();
