// Progressive enhancement for eligo's pages. Everything works without this file.
(function () {
  "use strict";

  // Criteria: hovering or focusing a highlight lights up its constraint in the list, and back.
  function linkConstraints() {
    document.querySelectorAll("mark.c[data-constraints]").forEach(function (mark) {
      var ids = mark.getAttribute("data-constraints").split(" ");
      function toggle(on) {
        ids.forEach(function (id) {
          var li = document.getElementById(id);
          if (li) li.classList.toggle("is-active", on);
        });
        mark.classList.toggle("is-active", on);
      }
      mark.addEventListener("mouseenter", function () { toggle(true); });
      mark.addEventListener("mouseleave", function () { toggle(false); });
    });
    document.querySelectorAll("li.constraint[id]").forEach(function (li) {
      li.addEventListener("mouseenter", function () {
        document.querySelectorAll('mark.c[data-constraints~="' + li.id + '"]').forEach(function (m) { m.classList.add("is-active"); });
      });
      li.addEventListener("mouseleave", function () {
        document.querySelectorAll('mark.c[data-constraints~="' + li.id + '"]').forEach(function (m) { m.classList.remove("is-active"); });
      });
    });
  }

  // Match form: "Add a row" works without a round trip (without scripts the server adds rows).
  function addRowButtons() {
    document.querySelectorAll("button.add-row[data-table]").forEach(function (button) {
      var table = document.getElementById(button.getAttribute("data-table"));
      if (!table) return;
      var body = table.tBodies[0];
      var prefix = button.value;
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var rows = body.rows;
        if (rows.length >= 30) return;
        var n = rows.length;
        var clone = rows[rows.length - 1].cloneNode(true);
        clone.querySelectorAll("input").forEach(function (input) {
          input.value = "";
          input.removeAttribute("placeholder");
          input.name = input.name.replace(new RegExp("^" + prefix + "\\d+"), prefix + n);
          var label = input.getAttribute("aria-label");
          if (label) input.setAttribute("aria-label", label.replace(/\d+/, String(n + 1)));
        });
        body.appendChild(clone);
        var first = clone.querySelector("input");
        if (first) first.focus();
      });
    });
  }

  // Upload: read the chosen file into the JSON box so the user sees what will be sent.
  function previewUpload() {
    var file = document.getElementById("file");
    var box = document.getElementById("json");
    if (!file || !box || !window.FileReader) return;
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (!f || f.size > 5 * 1024 * 1024) return;
      var reader = new FileReader();
      reader.onload = function () { box.value = String(reader.result); };
      reader.readAsText(f);
    });
  }

  // Results: a print button, and every criteria list opened for printing.
  function printSupport() {
    document.querySelectorAll("[data-action=print]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details").forEach(function (d) {
        if (!d.open) { d.setAttribute("data-was-closed", ""); d.open = true; }
      });
    });
    window.addEventListener("afterprint", function () {
      document.querySelectorAll("details[data-was-closed]").forEach(function (d) { d.open = false; d.removeAttribute("data-was-closed"); });
    });
  }

  // Form errors: move focus to the summary so keyboard and screen-reader users hear it.
  function focusErrors() {
    var e = document.getElementById("form-errors");
    if (e) e.focus();
  }

  function init() {
    linkConstraints();
    addRowButtons();
    previewUpload();
    printSupport();
    focusErrors();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
