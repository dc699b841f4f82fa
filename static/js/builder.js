// Program builder: drag-to-reorder (SortableJS), keeping the page's revision current,
// and keeping keyboard focus on the move buttons after the list is re-rendered.
(function () {
  "use strict";

  function currentRevision() {
    var field = document.querySelector('#program-items-panel input[name="revision"], input[name="revision"]');
    return field ? field.value : "";
  }

  function initSortable() {
    var list = document.getElementById("program-items");
    if (!list || list.dataset.sortable === "on" || typeof Sortable === "undefined") return;
    list.dataset.sortable = "on";
    Sortable.create(list, {
      handle: ".drag-handle",
      // Mouse-event dragging behaves the same in every browser (and under test automation).
      forceFallback: true,
      // Respect the user's reduced-motion setting (also makes automated dragging deterministic).
      animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 150,
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) return;
        var values = { revision: currentRevision(), item: [] };
        list.querySelectorAll("[data-item-id]").forEach(function (row) {
          values.item.push(row.dataset.itemId);
        });
        htmx.ajax("POST", list.dataset.reorderUrl, { target: "#program-items-panel", values: values });
      },
    });
  }

  var focusKey = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    // The button that was pressed (keyboard or mouse) is the focused one.
    var button = document.activeElement;
    var pressed = button && button.dataset && button.dataset.focusKey && event.detail.elt.contains(button);
    focusKey = pressed ? button.dataset.focusKey : null;
  });

  document.body.addEventListener("htmx:afterSwap", function () {
    initSortable();
    if (focusKey) {
      var again = document.querySelector('[data-focus-key="' + focusKey + '"]');
      if (again) again.focus();
      focusKey = null;
    }
  });

  // Every response carries the program's new revision; copy it into every form on the
  // page so the next change is not mistaken for one made from a stale page.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var revision = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Program-Revision");
    if (!revision) return;
    document.querySelectorAll('input[name="revision"]').forEach(function (field) {
      field.value = revision;
    });
  });

  // A dose saved after a refused one: clear the old field errors (the form itself is not
  // re-rendered on success, so values typed meanwhile are not lost).
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.classList || !form.classList.contains("dose-form") || !event.detail.successful) return;
    form.querySelectorAll(".invalid-feedback, .alert-danger").forEach(function (node) { node.remove(); });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (node) { node.removeAttribute("aria-invalid"); });
  });

  initSortable();
})();
