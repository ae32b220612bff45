/* "Print" buttons: any element with data-print opens the browser's print dialogue. */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });
})();
