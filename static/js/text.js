/* Helpers shared by the pages' scripts (plenary.js, notes.js, dialogue-results.js): filling in
   labels written by the template, and making elements whose text is set with textContent. */
(function (global) {
  "use strict";

  // Labels come from {{ _("...") }}, which doubles every % for Python formatting.
  function fmt(template, values) {
    return template.replace(/%?%\((\w+)\)s/g, function (_m, name) { return values[name] === undefined ? "" : values[name]; })
      .replace(/%%/g, "%");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  global.WTIText = { fmt: fmt, el: el };
})(window);
