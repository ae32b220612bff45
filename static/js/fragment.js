/* Live figures, one way on every page: the server renders the figures (escaped) and this module
   fetches that HTML and swaps it in. Nothing here builds markup from data.

   WTIFragment.follow(box, options) asks again every few seconds (the pages call it through
   their data-follow attributes, below):
     options.url()      the address to fetch (default: this page's own address)
     options.seconds    between two fetches (default 3); options.now: the first one at once
     options.status     a status pill, with options.labels {live, reconnecting, signedOut}
     options.form       a selector of a GET form in the box (a scope picker): a change fetches at
                        once, with the form's fields, which are also written in the page's address
                        (a field equal to its data-default is left out); its submit button hides
   The fetched page holds an element with the box's id. A box with parts (children with an id and
   data-part) is swapped part by part, all at once; a part that holds the focus is kept until the
   next change, so that a reader choosing in a list is never interrupted. A box without parts is
   swapped whole, and not while it holds the focus. Opened <details> stay open. Nothing is
   fetched while the page is hidden; a failed fetch is tried again later, less and less often.
   It answers a handle: now(needed) fetches at once (a page's script heard of a change over its
   websocket), or, while a fetch is under way, once it is answered and only if needed() still
   says so (that answer may be the news already); the next fetch then comes a full interval
   later. every(seconds) changes the interval. put(html, prepare) shows the box as the server drew
   it elsewhere (the page's websocket brought it). WTIFragment.handle(box or its id)
   answers the handle of a box followed through its data-follow attributes, or null.

   WTIFragment.fill(box, html) puts the server's HTML inside box, keeping what was typed in
   its fields, the focus and which <details> with an id are open (the control room's panel,
   refreshed on its websocket's news). */
(function () {
  "use strict";

  function holdsFocus(node) {
    var active = document.activeElement;
    return !!active && active !== document.body && node.contains(active);
  }

  function partsOf(box) { return Array.prototype.slice.call(box.querySelectorAll("[data-part][id]")); }

  function replace(node, fresh) {
    var open = Array.prototype.map.call(node.querySelectorAll("details"), function (d) { return d.open; });
    var copy = document.importNode(fresh, true);
    Array.prototype.forEach.call(copy.querySelectorAll("details"), function (d, i) { d.open = !!open[i]; });
    node.replaceWith(copy);
    return copy;
  }

  /* Swaps fresh (from the fetched document) into box. Answers the box now in the page, and
     whether a part that changed was kept because it holds the focus. */
  function swap(box, fresh) {
    var parts = partsOf(box);
    if (!parts.length) return holdsFocus(box) ? { box: box, kept: true } : { box: replace(box, fresh), kept: false };
    var kept = false;
    parts.forEach(function (part) {
      var next = fresh.querySelector("#" + CSS.escape(part.id));
      if (!next || next.innerHTML === part.innerHTML) return;
      if (holdsFocus(part)) kept = true;
      else replace(part, next);
    });
    return { box: box, kept: kept };
  }

  function follow(box, options) {
    options = options || {};
    var seconds = options.seconds || 3;
    var delay = seconds * 1000;
    var last = null; // the HTML last swapped in (or first rendered)
    var timer = null;
    var sent = 0; // fetches asked for; only the last one's answer counts
    var inFlight = 0; // fetches under way
    var again = null; // asked for at once while one was under way: whether it is still needed
    var url = options.url || function () { return location.href; };

    function show(state) {
      if (!options.status || !options.labels) return;
      options.status.textContent = options.labels[state];
      options.status.className = "status-pill " + state;
    }

    function schedule(ms) {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, ms === undefined ? delay : ms);
    }

    // A fetch asked for at once while another is under way waits for it, then goes only if
    // still needed (its answer may already be the news): one request at a time per box.
    function settled() {
      inFlight -= 1;
      if (inFlight > 0) return;
      var needed = again;
      again = null;
      if (needed && needed()) schedule(0);
    }

    function now(needed) {
      needed = needed || function () { return true; };
      if (inFlight) { again = needed; return; }
      if (needed()) schedule(0);
    }

    // How often to ask, from now on (a page whose websocket brings the news asks less often).
    function every(newSeconds) {
      if (newSeconds === seconds) return;
      seconds = newSeconds;
      delay = seconds * 1000;
      schedule();
    }

    function refresh() {
      if (document.hidden) return schedule();
      inFlight += 1;
      var asked = ++sent;
      // A page behind sign-in is sent to sign in when the session ends: it says so, and stops.
      var signedIn = !!(options.labels && options.labels.signedOut);
      fetch(url(), { credentials: "same-origin", cache: "no-cache", redirect: signedIn ? "manual" : "follow", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (signedIn && (response.type === "opaqueredirect" || response.status === 403)) return null;
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          if (asked !== sent) return; // a newer fetch (another scope) is under way
          if (html === null) { show("signedOut"); return; } // signing in again needs a reload
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(box.id);
          if (fresh && fresh.innerHTML !== last) {
            var done = swap(box, fresh);
            box = done.box;
            last = done.kept ? null : fresh.innerHTML;
            hideSubmit();
          }
          show("live");
          delay = seconds * 1000;
          schedule();
        })
        .catch(function () {
          if (asked !== sent) return;
          show("reconnecting");
          delay = Math.min(delay * 2, 30000);
          schedule(delay * (0.5 + Math.random()));
        })
        .then(settled);
    }

    function chosen() {
      var form = options.form && box.querySelector(options.form);
      if (!form) return null;
      var query = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || !field.value || field.value === field.dataset.default) return;
        query.set(field.name, field.value);
      });
      return query.toString();
    }

    function hideSubmit() {
      var form = options.form && box.querySelector(options.form);
      if (form) form.querySelectorAll("[type=submit]").forEach(function (button) { button.hidden = true; });
    }

    if (options.form) {
      var changed = function (event) {
        if (!event.target.closest(options.form)) return;
        if (event.type === "submit") event.preventDefault();
        var search = chosen();
        history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
        schedule(0);
      };
      box.addEventListener("change", changed);
      box.addEventListener("submit", changed);
      hideSubmit();
    }

    last = box.innerHTML;
    schedule(options.now ? 0 : undefined);
    // Show the box as the server drew it elsewhere (a page's websocket brought it), as if
    // fetched; prepare(fresh) may change it first. False when it holds nothing for this box.
    function put(html, prepare) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(box.id);
      if (!fresh) return false;
      if (prepare) prepare(fresh);
      if (fresh.innerHTML !== last) {
        var done = swap(box, fresh);
        box = done.box;
        last = done.kept ? null : fresh.innerHTML;
      }
      schedule(); // the next regular fetch a full interval later
      return true;
    }

    return { now: now, every: every, put: put };
  }

  function fill(box, html) {
    var focused = document.activeElement && document.activeElement.id;
    var typed = {};
    box.querySelectorAll("input[type=text], input[type=number], textarea, select").forEach(function (field) {
      if (field.id) typed[field.id] = field.value;
    });
    var opened = Array.prototype.filter.call(box.querySelectorAll("details[id]"), function (d) { return d.open; })
      .map(function (d) { return d.id; });
    box.innerHTML = html;
    opened.forEach(function (id) {
      var details = document.getElementById(id);
      if (details && details.tagName === "DETAILS") details.open = true;
    });
    Object.keys(typed).forEach(function (id) {
      var field = document.getElementById(id);
      if (field) field.value = typed[id];
    });
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  // The boxes followed through their data-follow attributes, by id: a box swapped whole is
  // another element afterwards, its id stays.
  var handles = {};

  function handle(box) {
    var id = typeof box === "string" ? box : box && box.id;
    return Object.prototype.hasOwnProperty.call(handles, id) ? handles[id] : null;
  }

  window.WTIFragment = { follow: follow, fill: fill, handle: handle };

  /* The pages say what they follow: <div id="…" data-follow="address of the parts (default: the
     page itself)" data-follow-seconds="3" data-follow-status="id of the status pill, whose
     data-live, data-reconnecting and data-signed-out say each state" data-follow-form="#picker"
     data-follow-now>. The page's query (the scopes chosen) goes with every fetch. */
  if (!window.fetch || !window.DOMParser) return; // the page keeps its "Refresh" link and form
  Array.prototype.forEach.call(document.querySelectorAll("[data-follow][id]"), function (box) {
    var status = box.dataset.followStatus ? document.getElementById(box.dataset.followStatus) : null;
    var address = box.dataset.follow || location.pathname;
    handles[box.id] = follow(box, {
      url: function () { return address + location.search; },
      seconds: Math.max(2, parseInt(box.dataset.followSeconds, 10) || 3),
      now: box.hasAttribute("data-follow-now"),
      form: box.dataset.followForm,
      status: status,
      labels: status ? { live: status.dataset.live, reconnecting: status.dataset.reconnecting, signedOut: status.dataset.signedOut } : null
    });
  });
})();
