/* A group's room in a self-hosted Jitsi Meet, through Jitsi's IFrame API (external_api.js, loaded
   just before from the configured domain). The room, the person's name and their token come from
   #jitsi-room's data attributes. The page around it keeps the countdown, the messages and the
   phase: when it changes (a move, the phase's end) it reloads, and the call is left first. */
(function (global) {
  "use strict";
  var box = document.getElementById("jitsi-room");
  if (!box) return;
  var data = box.dataset;
  if (typeof global.JitsiMeetExternalAPI !== "function") {
    var problem = document.createElement("p");
    problem.className = "error-box";
    problem.setAttribute("role", "alert");
    problem.textContent = data.unreachable;
    box.replaceWith(problem);
    return;
  }
  var api = new global.JitsiMeetExternalAPI(data.domain, {
    roomName: data.room,
    jwt: data.jwt,
    parentNode: box,
    width: "100%",
    height: "100%",
    lang: document.documentElement.lang,
    userInfo: {displayName: data.name}
  });
  function leave() {
    if (api === null) return;
    api.dispose();
    api = null;
  }
  /* The phase is over on a page that stays (the organiser's observer page): leave, and say so. */
  function end() {
    if (api === null) return;
    leave();
    var note = document.createElement("p");
    note.className = "muted";
    note.setAttribute("role", "status");
    note.textContent = data.ended;
    box.replaceWith(note);
  }
  global.addEventListener("pagehide", leave);
  global.WTIJitsi = {leave: leave, end: end};
})(window);
