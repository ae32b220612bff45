/* The dialogue's global results: polls the snapshot every 3 s and draws the figures again when
   they change, in the markup of templates/dialogues/results_question.html; the scope pickers
   redraw without a reload. Every text from the data goes in with textContent. */
(function () {
  "use strict";
  var fmt = WTIText.fmt, el = WTIText.el;
  var POLL_MS = 3000;
  var T = JSON.parse(document.getElementById("dr-labels").textContent);
  var WORDS = JSON.parse(document.getElementById("dr-words").textContent);
  var WEIGHTINGS = JSON.parse(document.getElementById("dr-weightings").textContent);
  var url = document.body.dataset.poll;
  var scopeSelect = document.getElementById("dr-scope");
  var compareSelect = document.getElementById("dr-compare");
  var status = document.getElementById("dr-connection");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 1, useGrouping: false });
  var labels = {};
  var snapshot = null;
  var drawn = null; // what the figures were last drawn from
  var delay = POLL_MS;

  // The scopes' names in the page's language, as the server wrote them in the pickers.
  Array.prototype.forEach.call(scopeSelect.options, function (o) { labels[o.value] = o.textContent; });

  var SVG = "http://www.w3.org/2000/svg";
  function hiddenFromReaders(node) { node.setAttribute("aria-hidden", "true"); return node; }
  function labelled(cell, label) { cell.setAttribute("data-label", label); return cell; }
  function number(value) { return numbers.format(value); }
  function utcTime(iso, seconds) {
    var date = new Date(iso);
    return isNaN(date) ? "" : date.toISOString().slice(11, seconds ? 19 : 16);
  }
  function scopeLabel(scope) {
    if (labels[scope.key]) return labels[scope.key];
    if (scope.key === "global") return T.world;
    if (scope.kind === "continent") return scope.label;
    return scope.key.slice(scope.key.indexOf(":") + 1);
  }

  function chosenScopes() {
    var known = {};
    snapshot.scopes.forEach(function (s) { known[s.key] = true; });
    var first = known[scopeSelect.value] ? scopeSelect.value : "global";
    var chosen = [first];
    if (compareSelect && compareSelect.value && known[compareSelect.value] && compareSelect.value !== first) chosen.push(compareSelect.value);
    return chosen;
  }

  function fillOptions(select, selected, withNothing) {
    select.textContent = "";
    if (withNothing) select.appendChild(withNothing);
    var groups = { continent: T.continents, country: T.countries, tag: T.groupings };
    var open = {};
    snapshot.scopes.forEach(function (scope) {
      var option = el("option", "", scopeLabel(scope));
      option.value = scope.key;
      if (scope.key === selected) option.selected = true;
      if (scope.kind === "global") { select.appendChild(option); return; }
      if (!open[scope.kind]) {
        open[scope.kind] = el("optgroup");
        open[scope.kind].label = groups[scope.kind] || scope.kind;
        select.appendChild(open[scope.kind]);
      }
      open[scope.kind].appendChild(option);
    });
    if (!select.options.length) {
      var world = el("option", "", T.world);
      world.value = "global";
      select.appendChild(world);
    }
  }

  function drawPickers() {
    var scope = scopeSelect.value, compare = compareSelect ? compareSelect.value : "";
    fillOptions(scopeSelect, scope);
    if (compareSelect) {
      var nothing = compareSelect.options[0].cloneNode(true);
      fillOptions(compareSelect, compare, nothing);
      if (!compare) compareSelect.value = "";
    }
  }

  function drawQuestion(session, q, chosen) {
    var prefix = session.code + "|" + q.code;
    var groupUnits = q.respondent === "group" || q.kind === "ranking";
    var compare = chosen.length > 1;
    var box = el("section", "dr-question");
    box.id = "q-" + session.code + "-" + q.code;
    box.appendChild(el("h3", "", WORDS["q|" + prefix] || q.text));
    var columns = chosen.map(function (key, position) {
      var figures = q.figures[key] || { suppressed: true, sites: 0 };
      var scope = snapshot.scopes.filter(function (s) { return s.key === key; })[0] || { key: key, kind: key.split(":")[0], label: key };
      return { position: position, label: scopeLabel(scope), figures: figures, suppressed: !!figures.suppressed };
    });
    var list = el("ul", "dr-figures");
    columns.forEach(function (c) {
      var item = el("li", "dr-figure");
      if (compare) {
        item.appendChild(hiddenFromReaders(el("span", "dr-key s" + c.position)));
        item.appendChild(el("span", "dr-scope", c.label + ":"));
        item.appendChild(document.createTextNode(" "));
      }
      if (c.suppressed && !c.figures.sites) {
        item.appendChild(el("span", "dr-suppressed", T.noAnswers)); // no site answered: nothing to hide
      } else if (c.suppressed) {
        item.appendChild(el("span", "dr-suppressed", fmt(groupUnits ? T.suppressedGroups : T.suppressed, { n: snapshot.min_respondents })));
      } else {
        var f = c.figures;
        var parts = groupUnits ? [fmt(T.nGroups, { n: f.n })] : [fmt(T.n, { n: f.n }), fmt(T.groups, { n: f.groups })];
        parts.push(fmt(T.sites, { n: f.sites }));
        if (f.mean !== undefined && f.mean !== null) parts.push(fmt(T.mean, { mean: number(f.mean) }));
        var line = el("span", "dr-n");
        parts.forEach(function (part, i) {
          if (i) line.appendChild(document.createTextNode(" · "));
          line.appendChild(el("span", "", part));
        });
        item.appendChild(line);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    if (columns.every(function (c) { return c.suppressed; })) return box;
    if (q.measure === "ranked_first") box.appendChild(el("p", "dr-note", T.rankedFirst));
    else if (q.kind === "multiple") box.appendChild(el("p", "dr-note", T.multiple));
    var options = el("div", "dr-options");
    q.options.forEach(function (option, index) {
      var row = el("div", "dr-option");
      row.appendChild(el("span", "dr-label", WORDS["o|" + prefix + "|" + option.code] || option.label));
      var bars = el("div", "dr-bars");
      columns.forEach(function (c) {
        var bar = el("div", "dr-bar s" + c.position);
        if (compare) bar.appendChild(el("span", "visually-hidden", c.label + ":"));
        if (c.suppressed) {
          bar.appendChild(hiddenFromReaders(el("span", "dr-track dr-hidden")));
          bar.appendChild(el("span", "dr-value", T.notShown));
        } else {
          var percent = c.figures.percent[index];
          // An SVG bar, as the server draws it: its width is an attribute, not an inline style.
          var track = hiddenFromReaders(document.createElementNS(SVG, "svg"));
          track.setAttribute("class", "dr-track");
          track.setAttribute("focusable", "false");
          var fill = document.createElementNS(SVG, "rect");
          fill.setAttribute("width", Math.max(0, Math.min(100, percent || 0)).toFixed(1) + "%");
          fill.setAttribute("height", "100%");
          track.appendChild(fill);
          bar.appendChild(track);
          var value = el("span", "dr-value", (percent === null || percent === undefined ? "–" : number(percent) + " %") + " ");
          value.appendChild(el("span", "dr-count", "(" + c.figures.count[index] + ")"));
          bar.appendChild(value);
        }
        bars.appendChild(bar);
      });
      row.appendChild(bars);
      options.appendChild(row);
    });
    box.appendChild(options);
    return box;
  }

  function drawFigures() {
    var chosen = chosenScopes();
    var root = document.getElementById("dr-results");
    var fragment = document.createDocumentFragment();
    snapshot.sessions.forEach(function (session) {
      fragment.appendChild(el("h2", "", WORDS["s|" + session.code] || session.title));
      if (!session.questions.length) fragment.appendChild(el("p", "muted", T.noFigures));
      session.questions.forEach(function (q) { fragment.appendChild(drawQuestion(session, q, chosen)); });
    });
    if (!snapshot.sessions.length) fragment.appendChild(el("p", "muted", T.noQuestionnaire));
    root.textContent = "";
    root.appendChild(fragment);

    var legend = document.getElementById("dr-legend");
    legend.textContent = "";
    legend.hidden = chosen.length < 2;
    chosen.forEach(function (key, position) {
      var scope = snapshot.scopes.filter(function (s) { return s.key === key; })[0];
      var item = el("span");
      item.appendChild(hiddenFromReaders(el("span", "dr-key s" + position)));
      item.appendChild(el("span", "dr-legend-label", scope ? scopeLabel(scope) : key));
      legend.appendChild(item);
    });
  }

  function drawSites() {
    var body = document.getElementById("dr-sites-body");
    body.textContent = "";
    snapshot.sites.forEach(function (site) {
      var row = el("tr", site.groups_submitted ? "dr-reported" : "dr-waiting");
      row.appendChild(el("td", "dr-site", site.title));
      row.appendChild(labelled(el("td", "", site.country || "–"), T.country));
      row.appendChild(labelled(el("td", "", site.organisation), T.organisation));
      var groups = labelled(el("td", "num"), T.groupsReported);
      if (site.groups_submitted) groups.textContent = fmt(T.ofTotal, { n: site.groups_submitted, total: site.groups_total });
      else groups.appendChild(el("span", "dr-pending", T.waiting));
      row.appendChild(groups);
      var last = labelled(el("td"), T.lastResult);
      if (site.last_submission) {
        var time = el("time", "", utcTime(site.last_submission, false));
        time.setAttribute("datetime", site.last_submission);
        last.appendChild(time);
      } else {
        last.textContent = "–";
      }
      row.appendChild(last);
      body.appendChild(row);
    });
    if (!snapshot.sites.length) {
      var empty = el("td", "", T.noSite);
      empty.colSpan = 5;
      body.appendChild(el("tr")).appendChild(empty);
    }
  }

  function drawHeader() {
    var time = document.getElementById("dr-time");
    time.textContent = utcTime(snapshot.generated_at, true) + " UTC";
    time.setAttribute("datetime", snapshot.generated_at);
    document.getElementById("dr-reported").textContent = fmt(T.reported, { n: snapshot.sites_reported, total: snapshot.sites_total });
    var weighting = WEIGHTINGS[snapshot.weighting];
    if (weighting) {
      document.getElementById("dr-weighting").textContent = weighting[0];
      document.getElementById("dr-weighting-explained").textContent = weighting[1];
    }
  }

  function accept(data) {
    if (snapshot && data.generated_at < snapshot.generated_at) return; // an older copy arriving late
    snapshot = data;
    drawHeader();
    var key = JSON.stringify([data.sessions, data.sites, data.scopes, data.weighting, data.min_respondents]);
    if (key === drawn) return;
    var scopesChanged = !drawn || JSON.stringify(JSON.parse(drawn)[2]) !== JSON.stringify(data.scopes);
    drawn = key;
    if (scopesChanged) drawPickers();
    drawFigures();
    drawSites();
  }

  function show(state) { status.textContent = T[state]; status.className = "status-pill " + state; }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-cache", redirect: "manual", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 403) return "signedOut";
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (data === "signedOut") { show("signedOut"); return; } // signing in again needs a reload
        accept(data);
        show("live");
        delay = POLL_MS;
        setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        show("reconnecting");
        delay = Math.min(delay * 2, 30000);
        setTimeout(poll, delay * (0.5 + Math.random()));
      });
  }

  function scopesChanged() {
    if (!snapshot) return;
    drawFigures();
    var query = new URLSearchParams();
    var chosen = chosenScopes();
    if (chosen[0] !== "global") query.set("scope", chosen[0]);
    if (chosen[1]) query.set("compare", chosen[1]);
    var search = query.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
  }

  scopeSelect.addEventListener("change", scopesChanged);
  if (compareSelect) compareSelect.addEventListener("change", scopesChanged);
  document.getElementById("dr-scopes").addEventListener("submit", function (event) { event.preventDefault(); scopesChanged(); });
  document.getElementById("dr-show").hidden = true;
  poll();
})();
