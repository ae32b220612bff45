/* The recommendations wall asks every 5 seconds whether it changed since it was drawn, and says
   so in #wall-news with a link to see it; it never redraws the cards by itself, so that nothing
   an organiser is typing (a label, a translation) is lost. */
(function () {
  "use strict";
  var box = document.getElementById("wall-news");
  if (!box || !window.WTIFragment) return;
  var address = box.dataset.news;
  WTIFragment.follow(box, { url: function () { return address; }, seconds: 5 });
})();
