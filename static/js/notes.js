/* The note taker's form: never lose a word.
   - Every change goes to localStorage at once, and to the server at most every ~2.5 s, with the
     version the draft started from (the server answers 409 with both versions on a conflict).
   - When the server cannot be reached, the draft stays on this device and is sent later.
   - On load, an unsaved draft of this device comes back (the server decides on conflicts).
   - Submitting carries an idempotency key: a retry never makes a second revision.
   - A service worker (notes-sw.js) keeps a copy of this page, so that a reload offline opens it. */
(function () {
  "use strict";
  var fmt = WTIText.fmt;
  var form = document.getElementById("notes-form");
  if (!form) return;
  var cfg = form.dataset;
  var readonly = cfg.readonly === "1";
  var initial = JSON.parse(document.getElementById("notes-initial").textContent);
  var T = JSON.parse(document.getElementById("notes-labels").textContent);
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var statusEl = document.getElementById("save-status");
  var submitStatus = document.getElementById("submit-status");
  var SAVE_EVERY = 2500, RETRY = 5000, RETRY_MAX = 60000;

  var state = {
    version: initial.version,
    key: null,
    dirty: false,
    timer: null,
    inflight: null,
    lastSaveAt: 0,
    conflict: null,
    ranked: {}
  };

  function now() { return new Date().toLocaleTimeString(); }
  function say(text) { if (statusEl) statusEl.textContent = text; }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* --- The form <-> the results document ------------------------------------------------ */

  function questions() { return Array.prototype.slice.call(form.querySelectorAll("[data-question]")); }

  function collect() {
    var answers = {};
    questions().forEach(function (box) {
      var code = box.dataset.question, mode = box.dataset.mode, answer = null;
      if (mode === "counts") {
        var counts = {}, any = false;
        box.querySelectorAll("input[data-option]").forEach(function (input) {
          if (input.value.trim() !== "") { counts[input.dataset.option] = input.value.trim(); any = true; }
        });
        var valid = box.querySelector("input[data-valid]");
        if (any || (valid && valid.value.trim() !== "")) {
          answer = { counts: counts };
          if (valid && valid.value.trim() !== "") answer.valid = valid.value.trim();
        }
      } else if (mode === "choice") {
        var picked = box.querySelector("input:checked");
        if (picked) answer = { choice: picked.value };
      } else if (mode === "choices") {
        var chosen = Array.prototype.map.call(box.querySelectorAll("input:checked"), function (i) { return i.value; });
        if (chosen.length) answer = { choices: chosen };
      } else if (mode === "ranking") {
        if (state.ranked[code]) {
          answer = { ranking: Array.prototype.map.call(box.querySelectorAll("li[data-option]"), function (li) { return li.dataset.option; }) };
        }
      } else {
        var text = box.querySelector("textarea").value;
        if (text.trim() !== "") answer = { text: text };
      }
      if (answer) answers[code] = answer;
    });
    return { answers: answers };
  }

  function fill(data) {
    var answers = (data && data.answers) || {};
    questions().forEach(function (box) {
      var code = box.dataset.question, mode = box.dataset.mode, answer = answers[code] || {};
      if (mode === "counts") {
        box.querySelectorAll("input[data-option]").forEach(function (input) {
          var v = answer.counts ? answer.counts[input.dataset.option] : undefined;
          input.value = v === undefined || v === null ? "" : v;
        });
        var valid = box.querySelector("input[data-valid]");
        if (valid) valid.value = answer.valid === undefined || answer.valid === null ? "" : answer.valid;
      } else if (mode === "choice") {
        box.querySelectorAll("input").forEach(function (i) { i.checked = i.value === answer.choice; });
      } else if (mode === "choices") {
        var chosen = answer.choices || [];
        box.querySelectorAll("input").forEach(function (i) { i.checked = chosen.indexOf(i.value) !== -1; });
      } else if (mode === "ranking") {
        var list = box.querySelector("ol"), ranking = answer.ranking || [];
        state.ranked[code] = ranking.length > 0;
        ranking.forEach(function (option) {
          var li = list.querySelector('li[data-option="' + (window.CSS && CSS.escape ? CSS.escape(option) : option) + '"]');
          if (li) list.appendChild(li);
        });
        showRanked(box);
      } else {
        box.querySelector("textarea").value = answer.text || "";
      }
    });
    totals();
  }

  function totals() {
    questions().forEach(function (box) {
      var out = box.querySelector("[data-total]");
      if (!out) return;
      var sum = 0;
      box.querySelectorAll("input[data-option]").forEach(function (i) { var n = parseInt(i.value, 10); if (n > 0) sum += n; });
      out.textContent = sum;
    });
  }

  function showRanked(box) {
    var el = box.querySelector("[data-rank-state]");
    if (el) el.textContent = state.ranked[box.dataset.question] ? T.ranked : T.notRanked;
  }

  /* --- This device's copy --------------------------------------------------------------- */

  function readLocal() {
    try { return JSON.parse(localStorage.getItem(cfg.storageKey) || "null"); } catch (e) { return null; }
  }
  function writeLocal(extra) {
    var entry = readLocal() || {};
    entry.data = collect(); entry.version = state.version; entry.dirty = state.dirty; entry.at = Date.now();
    if (extra) Object.keys(extra).forEach(function (k) { entry[k] = extra[k]; });
    try { localStorage.setItem(cfg.storageKey, JSON.stringify(entry)); return true; } catch (e) { return false; }
  }

  /* --- Saving --------------------------------------------------------------------------- */

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) { return { status: response.status, json: json }; });
    });
  }

  /* A 4xx is the server's answer about these notes: shown, never retried as they are. A 5xx is a
     problem of the server: retried with a growing delay. Only a failed fetch is "cannot reach". */
  function ServerError(status) { this.status = status; }
  function messages(r) { return (r.json.errors || []).map(function (e) { return e.message; }).join(" ") || String(r.status); }
  function fieldErrors(r) {
    return (r.json.errors || []).some(function (e) { return (e.field || "").indexOf("answers.") === 0; });
  }

  function changed() {
    if (readonly) return;
    state.dirty = true;
    writeLocal();
    totals();
    if (state.closing) { state.closingSaid = false; tell(T.closingSaving); }
    if (!state.conflict) { say(T.unsaved); schedule(); }
  }

  function schedule(delay) {
    if (state.timer || state.conflict) return;
    var wait = delay !== undefined ? delay : Math.max(800, SAVE_EVERY - (Date.now() - state.lastSaveAt));
    state.timer = setTimeout(function () { state.timer = null; save(); }, wait);
  }

  function save() {
    if (state.inflight) { return state.inflight.then(function () { if (state.dirty) schedule(); }); }
    if (!state.dirty || state.conflict) return Promise.resolve();
    var data = collect(), sent = JSON.stringify(data);
    state.lastSaveAt = Date.now();
    say(T.saving);
    state.inflight = post(cfg.draftUrl, { base_version: state.version, data: data }).then(function (r) {
      if (r.status === 200) {
        state.version = r.json.version;
        state.failures = 0;
        if (JSON.stringify(collect()) === sent) state.dirty = false;
        writeLocal();
        say(fmt(T.savedAt, { time: now() }));
        if (state.draftErrors) { clearErrors(); state.draftErrors = false; }
        if (state.dirty) schedule();
      } else if (r.status === 409 && r.json.server) {
        showConflict(r.json, data);
      } else if (r.status >= 500) {
        throw new ServerError(r.status);
      } else {
        // Refused as they are: kept on this device, sent again only after the next change.
        state.failures = 0;
        writeLocal();
        if (fieldErrors(r)) { showErrors(r.json.errors, true); state.draftErrors = true; say(T.draftInvalid); }
        else say(fmt(T.refused, { message: messages(r) }));
      }
    }).catch(function (error) {
      writeLocal();
      state.failures = (state.failures || 0) + 1;
      var wait = Math.min(RETRY_MAX, RETRY * Math.pow(2, state.failures - 1));
      say(error instanceof ServerError ? fmt(T.serverError, { status: error.status }) : fmt(T.offline, { time: now() }));
      schedule(wait);
    }).then(function () { state.inflight = null; });
    return state.inflight;
  }

  /* --- Conflicts: show both versions, the user picks ------------------------------------ */

  function labelOf(code) {
    var box = form.querySelector('[data-question="' + code + '"]');
    return box ? box.querySelector("legend").textContent : code;
  }

  function summary(container, data) {
    container.textContent = "";
    var dl = document.createElement("dl");
    questions().forEach(function (box) {
      var code = box.dataset.question, answer = ((data && data.answers) || {})[code];
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = labelOf(code);
      if (!answer) dd.textContent = T.notAnswered;
      else if (answer.text !== undefined) dd.textContent = answer.text;
      else if (answer.ranking) dd.textContent = answer.ranking.join(" › ");
      else if (answer.choices) dd.textContent = answer.choices.join(", ");
      else if (answer.choice) dd.textContent = answer.choice;
      else if (answer.counts) {
        dd.textContent = Object.keys(answer.counts).map(function (k) { return k + ": " + answer.counts[k]; }).join(", ") +
          (answer.valid !== undefined ? " (" + T.valid + ": " + answer.valid + ")" : "");
      }
      dl.appendChild(dt); dl.appendChild(dd);
    });
    container.appendChild(dl);
  }

  function showConflict(json, mine) {
    var server = json.server || {};
    state.conflict = { server: server, mine: mine };
    if (state.timer) { clearTimeout(state.timer); state.timer = null; }
    var box = document.getElementById("conflict");
    var when = server.updated_at ? new Date(server.updated_at).toLocaleTimeString() : "";
    document.getElementById("conflict-message").textContent = fmt(T.conflict, { who: server.updated_by || T.someone, time: when });
    document.getElementById("conflict-theirs-meta").textContent = "v" + server.version;
    summary(document.getElementById("conflict-yours"), mine);
    summary(document.getElementById("conflict-theirs"), server.data);
    box.hidden = false;
    box.scrollIntoView({ block: "start" });
    say(document.getElementById("conflict-message").textContent);
  }

  function resolve(useMine) {
    var c = state.conflict;
    if (!c) return;
    state.conflict = null;
    document.getElementById("conflict").hidden = true;
    state.version = c.server.version;
    if (useMine) {
      fill(c.mine);
      state.dirty = true; writeLocal(); save();
    } else {
      fill(c.server.data);
      state.dirty = false; writeLocal();
      say(fmt(T.savedAt, { time: now() }));
    }
  }

  /* --- Submitting ----------------------------------------------------------------------- */

  function clearErrors() {
    form.querySelectorAll(".field-errors").forEach(function (ul) { ul.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var summaryBox = document.getElementById("error-summary");
    summaryBox.hidden = true; summaryBox.textContent = "";
  }

  function showErrors(errors, quiet) {
    clearErrors();
    var summaryBox = document.getElementById("error-summary");
    var p = document.createElement("p"); p.textContent = T.invalid; summaryBox.appendChild(p);
    var list = document.createElement("ul"); summaryBox.appendChild(list);
    errors.forEach(function (error) {
      var parts = (error.field || "").split(".");
      var code = parts[0] === "answers" && parts.length > 1 ? parts[1].replace(/\[\d+\]$/, "") : null;
      var box = code ? form.querySelector('[data-question="' + code + '"]') : null;
      var item = document.createElement("li");
      if (box) {
        var li = document.createElement("li"); li.textContent = error.message;
        box.querySelector(".field-errors").appendChild(li);
        var path = error.field.replace(/\[\d+\]$/, "");
        box.querySelectorAll("[data-field]").forEach(function (el) {
          if (el.dataset.field === path) el.setAttribute("aria-invalid", "true");
        });
        var a = document.createElement("a"); a.href = "#"; a.textContent = labelOf(code) + ": " + error.message;
        a.addEventListener("click", function (e) { e.preventDefault(); var f = box.querySelector("input, textarea, button"); if (f) f.focus(); });
        item.appendChild(a);
      } else {
        item.textContent = (error.field ? error.field + ": " : "") + error.message;
      }
      list.appendChild(item);
    });
    summaryBox.hidden = false;
    if (!quiet) summaryBox.focus();  // not while an autosave runs: the note taker is typing
  }

  function submit() {
    if (state.timer) { clearTimeout(state.timer); state.timer = null; }
    clearErrors();
    var data = collect();
    writeLocal({ pendingKey: state.key });
    submitStatus.textContent = T.submitting;
    var button = document.getElementById("submit-button");
    button.disabled = true;
    return (state.inflight || Promise.resolve()).then(function () {
      return post(cfg.submitUrl, { idempotency_key: state.key, base_version: state.version, data: data });
    }).then(function (r) {
      if (r.status === 201 || r.status === 200) {
        state.version = r.json.version;
        state.key = newKey();
        state.dirty = false;
        if (r.status === 201) fill(r.json.data);
        writeLocal({ pendingKey: null });
        submitStatus.textContent = r.json.created ? fmt(T.submitted, { n: r.json.revision, time: now() }) : fmt(T.already, { n: r.json.revision });
        say(fmt(T.savedAt, { time: now() }));
      } else if (r.status === 400 && fieldErrors(r)) {
        submitStatus.textContent = "";
        showErrors(r.json.errors);
      } else if (r.status === 409 && r.json.server) {
        submitStatus.textContent = "";
        showConflict(r.json, data);
      } else if (r.status === 422) {
        // The key went with other results (sent before a change): these get a key of their own.
        state.key = newKey();
        writeLocal({ pendingKey: null });
        submitStatus.textContent = T.keyReused;
      } else if (r.status >= 500) {
        throw new ServerError(r.status);
      } else {
        submitStatus.textContent = fmt(T.refused, { message: messages(r) });
      }
    }).catch(function (error) {
      // Same key next time: if this attempt did reach the server, the retry returns its revision.
      submitStatus.textContent = error instanceof ServerError ? fmt(T.submitServerError, { status: error.status }) : T.submitOffline;
    }).then(function () { button.disabled = false; });
  }

  /* --- Wiring ----------------------------------------------------------------------------- */

  function moveRank(button) {
    var li = button.closest("li"), list = li.parentNode, box = button.closest("[data-question]");
    var dir = parseInt(button.dataset.dir, 10);
    if (dir < 0 && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
    else if (dir > 0 && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
    state.ranked[box.dataset.question] = true;
    showRanked(box);
    button.focus();
    var position = Array.prototype.indexOf.call(list.children, li) + 1;
    box.querySelector("[data-rank-state]").textContent = fmt(T.moved, { label: li.querySelector(".rank-label").textContent, n: position });
    changed();
  }

  function useVotes(box) {
    fetch(cfg.stateUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (json) {
      var t = (json.tally || {})[box.dataset.question] || { counts: {}, valid: 0 };
      box.querySelectorAll("input[data-option]").forEach(function (i) { i.value = t.counts[i.dataset.option] || 0; });
      box.querySelectorAll("[data-tally]").forEach(function (td) { td.textContent = t.counts[td.dataset.tally] || 0; });
      var voters = box.querySelector("[data-tally-voters]"); if (voters) voters.textContent = t.valid;
      var valid = box.querySelector("input[data-valid]"); if (valid) valid.value = t.valid;
      changed();
    }).catch(function () { say(fmt(T.offline, { time: now() })); });
  }

  /* --- The rooms are closing: save first, then let the page be left ---------------------- */

  var closing = document.getElementById("follow-status");
  function tell(text) { if (closing) { closing.textContent = text; closing.hidden = false; } }

  /* Resolves once the server has everything typed here. Typing meanwhile is saved too: the
     page is left only when a last look, a moment after saving, finds nothing unsaved. */
  function settled() {
    if (readonly) return Promise.resolve();
    state.closing = true;
    tell(T.closingSaving);
    return new Promise(function (resolve) {
      function check() {
        if (state.dirty || state.inflight || state.conflict) {
          if (state.timer) { clearTimeout(state.timer); state.timer = null; }
          Promise.resolve(save()).then(function () {
            if (state.dirty || state.conflict) tell(T.closingUnsaved);
            setTimeout(check, state.dirty || state.conflict ? 3000 : 0);
          });
          return;
        }
        tell(T.closingSaved);
        state.closingSaid = true;
        setTimeout(function () {
          // Typed meanwhile (even if saved since): say "saved" again before leaving.
          if (state.dirty || state.inflight || !state.closingSaid) check(); else resolve();
        }, 2000 + Math.random() * 1500);
      }
      check();
    });
  }
  if (window.WTIFollow) window.WTIFollow.beforeLeave(settled);

  /* --- Offline: a service worker keeps a copy of this page for a reload without network --- */

  function keepPageOffline() {
    if (!("serviceWorker" in navigator) || !cfg.workerUrl || !window.MessageChannel) return;
    navigator.serviceWorker.register(cfg.workerUrl, { scope: cfg.workerScope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // This page may have loaded before the worker controlled it: tell it what to keep.
      var files = Array.prototype.map.call(
        document.querySelectorAll("link[rel=stylesheet][href], script[src]"),
        function (el) { return el.href || el.src; });
      var channel = new MessageChannel();
      channel.port1.onmessage = function (e) { if (e.data && e.data.type === "kept") form.dataset.offlineReady = "1"; };
      registration.active.postMessage({ type: "keep", urls: [location.href.split("#")[0]].concat(files) }, [channel.port2]);
    }).catch(function () { /* without a worker the notes are still kept in localStorage */ });
  }

  // Start: the server's copy, or this device's unsaved one (the server refuses it if it is stale).
  // What was typed before this script ran (the form shows before a slow phone runs it) is kept.
  var typedEarly = readonly ? {} : collect().answers;
  fill(initial.data);
  var local = readLocal();
  if (!readonly) {
    state.key = (local && local.pendingKey) || newKey();
    if (local && local.dirty && local.data) {
      state.version = typeof local.version === "number" ? local.version : state.version;
      fill(local.data);
      state.dirty = true;
      say(T.restored);
      schedule(300);
    } else if (local && local.data && typeof local.version === "number" && local.version > state.version) {
      // This page is an older copy kept on this device (opened offline); the draft saved since is newer.
      state.version = local.version;
      fill(local.data);
    }
    if (Object.keys(typedEarly).length) {
      var merged = collect();
      Object.keys(typedEarly).forEach(function (code) { merged.answers[code] = typedEarly[code]; });
      fill(merged);
      changed();
    }
    if (navigator.onLine === false && !state.dirty) say(T.offlineCopy);
    keepPageOffline();
    form.addEventListener("input", changed);
    form.addEventListener("change", function (e) { if (e.target.type === "radio" || e.target.type === "checkbox") changed(); });
    form.addEventListener("click", function (e) {
      var move = e.target.closest("button.move");
      if (move) { e.preventDefault(); moveRank(move); return; }
      var confirm = e.target.closest("button.confirm-ranking");
      if (confirm) { var box = confirm.closest("[data-question]"); state.ranked[box.dataset.question] = true; showRanked(box); changed(); return; }
      var votes = e.target.closest("button.use-votes");
      if (votes) { useVotes(votes.closest("[data-question]")); }
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
    document.getElementById("keep-mine").addEventListener("click", function () { resolve(true); });
    document.getElementById("take-theirs").addEventListener("click", function () { resolve(false); });
    window.addEventListener("online", function () { if (state.dirty) schedule(0); });
    window.addEventListener("beforeunload", function () { writeLocal(); });
  } else {
    // Readers follow the note taker's draft.
    setInterval(function () {
      fetch(cfg.stateUrl, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (json) {
        if (json && json.version !== state.version) { state.version = json.version; fill(json.data); say(fmt(T.savedAt, { time: new Date(json.updated_at).toLocaleTimeString() })); }
      }).catch(function () {});
    }, 10000);
  }
})();
