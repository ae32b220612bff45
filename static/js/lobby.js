/* The lobby's profile form: the person's time zone, so that times are shown in it; they never
   have to pick it. */
(function () {
  "use strict";
  var tz = document.querySelector("#profile-form [name=timezone]");
  try { if (tz && !tz.value) tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
})();
