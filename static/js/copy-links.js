/* "Copy" buttons of the People and links page: each copies the link in the field it names. */
(function () {
  document.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    var done = function () {
      var status = document.getElementById("copy-status");
      if (status) status.textContent = button.dataset.copied;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      // Plain http on another machine has no clipboard API: select the link so that Ctrl-C copies it.
      field.focus();
      field.select();
      try { if (document.execCommand("copy")) done(); } catch (err) { /* the link stays selected */ }
    }
  });
})();
