/* Pages other than the lobby and the room (the vote page, the notes form) follow the event too.
   When the phase or the grouping changes, or the person is moved to another room, they go to the
   person's own page (the lobby, or their room), but only once the page lets them: the notes form
   saves everything typed first (see notes.js). On the vote page, questions open and close as the
   organiser opens and closes them. The page says what it was drawn from in <body data-view-key>. */
(function (global) {
  "use strict";
  var page = document.body.dataset;
  if (!page.event || !page.followUrl) return;
  var T = JSON.parse(document.getElementById("follow-labels").textContent);
  var status = document.getElementById("follow-status");
  var countdown = document.getElementById("countdown");
  var leaveHook = null, stateHooks = [], leaving = false;

  function say(text) {
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
  }

  function leave() {
    if (leaving) return;
    leaving = true;
    if (leaveHook) {
      // The page decides when it may be left (nothing unsaved), then goes at once.
      leaveHook().then(function () { location.assign(page.followUrl); });
      return;
    }
    say(T.leaving);
    // Everyone moves at once: spread the requests over a second and a half.
    setTimeout(function () { location.assign(page.followUrl); }, Math.random() * 1500);
  }

  function showBroadcast(text) {
    var box = document.getElementById("broadcast");
    if (box) { box.textContent = text; box.hidden = false; }
  }

  /* The vote page: a question's fieldset is enabled while the question is open (and the group's
     results are not submitted yet). */
  function followQuestions(state) {
    var open = state.open_questions;
    if (!Array.isArray(open)) return;
    document.querySelectorAll("fieldset[data-question-id]").forEach(function (box) {
      var isOpen = open.indexOf(parseInt(box.dataset.questionId, 10)) !== -1;
      var wasOpen = box.dataset.open === "1";
      box.disabled = !isOpen || box.dataset.locked === "1";
      box.querySelector("[data-closed-notice]").hidden = isOpen;
      if (box.dataset.open !== undefined && wasOpen !== isOpen) say(isOpen ? T.questionOpened : T.questionClosed);
      box.dataset.open = isOpen ? "1" : "0";
    });
  }

  var socket = new global.LiveSocket("/ws/events/" + page.event + "/me/", {
    indicator: document.getElementById("connection"),
    heartbeat: 20000,
    labels: T,
    onMessage: function (data) {
      if (data.type === "event.state") {
        var key = (data.phase ? data.phase.id : "") + ":" + (data.allocation || "");
        if (key !== page.viewKey) { leave(); return; }
        var title = document.getElementById("phase-title");
        if (title) title.textContent = data.phase ? phaseTitle(data.phase) : T.waiting;
        if (countdown) countdown.setAttribute("data-ends-at", data.phase && data.phase.ends_at ? data.phase.ends_at : "");
        if (data.message) showBroadcast(data.message.text);
        followQuestions(data);
        stateHooks.forEach(function (hook) { hook(data); });
      } else if (data.type === "room.message") {
        showBroadcast(data.text);
      } else if (data.type === "person.moved") {
        leave();
      }
    }
  });
  if (countdown) global.startCountdown(countdown, socket);

  global.WTIFollow = {
    socket: socket,
    /* `hook()` returns a Promise that resolves when the page may be left. */
    beforeLeave: function (hook) { leaveHook = hook; },
    onState: function (hook) { stateHooks.push(hook); }
  };
})(window);
