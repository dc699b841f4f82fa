// Program builder: drag-to-reorder (SortableJS), keeping the page's revision current,
// keeping keyboard focus on the move buttons after the list is re-rendered, and saving
// each exercise's dose as the clinician goes without ever losing a typed value.
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
        list.querySelectorAll(":scope > [data-item-id]").forEach(function (row) {
          values.item.push(row.dataset.itemId);
        });
        htmx.ajax("POST", list.dataset.reorderUrl, { target: "#program-items-panel", values: values });
      },
    });
  }

  // ------------------------------------------------------------------ dose autosave
  //
  // Each item has one save queue: at most one save is in flight, and changes made meanwhile
  // are sent as one newer save when it returns, naming the revision that save produced. So an
  // older response can never overwrite a newer value, and one clinician in one tab never meets
  // a conflict. A field is saved when it is complete: left (change), a choice made, Enter or
  // "Save dose", or after a pause in typing long enough for a person to have finished.
  var TYPING_PAUSE_MS = 1500;
  var RETRIES = 8;
  var RETRY_DELAY_MS = 300;
  var STATUS_TEXT = {
    saved: "All changes saved",
    saving: "Saving…",
    dirty: "Unsaved changes",
    invalid: "Not saved: correct the marked field.",
    conflict: "Not saved: choose which values to keep.",
    error: "Not saved.",
  };
  var doses = {};

  function doseFor(id) {
    if (!doses[id]) {
      doses[id] = { revision: 0, inFlight: false, pending: false, timer: null, blocked: false, savedValues: null, line: null, lineRevision: 0 };
    }
    return doses[id];
  }

  function doseForm(id) {
    return document.querySelector('form.dose-form[data-item-id="' + id + '"]');
  }

  function serialize(form) {
    var data = new FormData(form);
    data.delete(form.dataset.revisionField);
    data.delete("csrfmiddlewaretoken");
    return new URLSearchParams(data).toString();
  }

  function setStatus(form, state, text) {
    if (!form) return;
    var before = form.dataset.saveState;
    form.dataset.saveState = state;
    var status = form.querySelector(".save-status");
    var said = text || STATUS_TEXT[state] || "";
    if (status) status.textContent = said;
    // Said once, in the page's live region: the outcome of a save, not every keystroke's state.
    if (state !== "saving" && state !== "dirty" && (state !== before || state !== "saved")) {
      announce((form.getAttribute("aria-label") || "") + ": " + said);
    }
  }

  // ------------------------------------------------------------------ the live region
  //
  // One polite live region (#builder-announcer) is always on the page; what a change did is
  // said there once. The server names it in an "announce" event (HX-Trigger).
  function announce(text) {
    var region = document.getElementById("builder-announcer");
    if (!region || !text) return;
    region.textContent = "";
    // A new text node a moment later: the same words twice in a row are read again.
    setTimeout(function () { region.textContent = text; }, 50);
  }

  document.body.addEventListener("announce", function (event) {
    announce(event.detail && event.detail.value);
  });

  // A dose form that has just appeared (loaded, or re-rendered by the server).
  function adopt(form) {
    if (form.dataset.adopted) return;
    form.dataset.adopted = "1";
    var dose = doseFor(form.dataset.itemId);
    var revision = parseInt(form.elements[form.dataset.revisionField].value, 10) || 0;
    if (!dose.inFlight) dose.revision = Math.max(dose.revision, revision);
    dose.blocked = form.dataset.saveState === "conflict";
    if (dose.savedValues === null || form.dataset.saveState === "saved") dose.savedValues = serialize(form);
  }

  function adoptAll(root) {
    (root || document).querySelectorAll("form.dose-form").forEach(adopt);
  }

  function busy() {
    return Object.keys(doses).some(function (id) {
      var dose = doses[id];
      var form = doseForm(id);
      if (dose.inFlight || dose.pending || dose.timer) return true;
      if (!form || dose.blocked) return false;
      var values = serialize(form);
      // Values refused as invalid wait for the clinician to correct them, not for a save.
      return values !== dose.savedValues && values !== dose.refusedValues;
    });
  }

  // Save every form with unsaved values now, then call back once nothing is left in flight.
  function flushThen(callback) {
    Object.keys(doses).forEach(function (id) {
      var form = doseForm(id);
      if (form) requestSave(form, false);
    });
    (function wait() {
      var waiting = Object.keys(doses).some(function (id) { return doses[id].inFlight || doses[id].pending; });
      if (waiting) setTimeout(wait, 50); else callback();
    })();
  }

  function requestSave(form, force) {
    var id = form.dataset.itemId;
    var dose = doseFor(id);
    clearTimeout(dose.timer);
    dose.timer = null;
    if (dose.blocked && !force) {
      setStatus(form, "conflict");
      return;
    }
    if (dose.inFlight) {
      dose.pending = true; // sent when the save in flight returns, with the revision it produced
      setStatus(form, "saving");
      return;
    }
    var values = serialize(form);
    if (!force && values === dose.savedValues) {
      // Back to the stored values (e.g. a refused value corrected): nothing to send.
      clearErrors(form);
      setStatus(form, "saved");
      return;
    }
    send(form, values);
  }

  function send(form, values) {
    var id = form.dataset.itemId;
    var dose = doseFor(id);
    dose.inFlight = true;
    dose.pending = false;
    setStatus(form, "saving");
    // Sent as a string, so a retry sends exactly the same bytes.
    var params = new URLSearchParams(new FormData(form));
    params.set(form.dataset.revisionField, String(dose.revision));
    var body = params.toString();
    var csrf = form.querySelector('input[name="csrfmiddlewaretoken"]');

    function finish() {
      dose.inFlight = false;
      var current = doseForm(id);
      if (dose.pending && current) {
        dose.pending = false;
        requestSave(current, false);
      }
    }

    // A server error or a lost connection is retried a few times, a little later each time:
    // the values stay in the form and the save is not given up on at the first hiccup.
    function retry(tries) {
      setTimeout(function () { attempt(tries + 1); }, RETRY_DELAY_MS * (tries + 1));
    }

    function attempt(tries) {
      fetch(form.dataset.doseUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        // keepalive: a save started just before the page is left still reaches the server.
        keepalive: true,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "HX-Request": "true",
          "X-CSRFToken": csrf ? csrf.value : "",
        },
      }).then(
        function (response) {
          if (response.status >= 500 && tries < RETRIES) return retry(tries);
          return response.text().then(function (text) {
            // A 400 without the app's own message came from the connection, not the app: retry.
            if (response.status === 400 && text.indexOf("alert") === -1 && tries < RETRIES) return retry(tries);
            try {
              received(id, response, text, values);
            } finally {
              finish();
            }
          });
        },
        function () {
          if (tries < RETRIES) return retry(tries);
          setStatus(doseForm(id), "error", "Not saved: the server could not be reached. Your values are kept; press “Save dose” to try again.");
          finish();
        }
      );
    }
    attempt(0);
  }

  function parse(text) {
    return new DOMParser().parseFromString(text, "text/html");
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-errors-for]").forEach(function (box) { box.innerHTML = ""; });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (node) { node.removeAttribute("aria-invalid"); });
  }

  function showLine(id, text, revision) {
    var dose = doseFor(id);
    if (revision < dose.lineRevision) return;
    dose.line = text;
    dose.lineRevision = revision;
    var line = document.getElementById("dose-line-" + id);
    if (line) {
      line.textContent = text;
      line.dataset.itemRevision = String(revision);
    }
  }

  function received(id, response, text, sentValues) {
    var dose = doseFor(id);
    var form = doseForm(id);
    var doc = parse(text);
    var revision = parseInt(response.headers.get("X-Item-Revision"), 10) || 0;
    var unchangedSinceSent = form && serialize(form) === sentValues;
    if (response.status === 200) {
      dose.revision = Math.max(dose.revision, revision);
      dose.savedValues = sentValues;
      dose.blocked = false;
      var line = doc.getElementById("dose-line-" + id);
      if (line) showLine(id, line.textContent, revision);
      if (revision >= dose.lineRevision) swapOutOfBand(doc);
      if (!form) return;
      clearErrors(form);
      form.querySelector(".dose-conflict").innerHTML = "";
      if (unchangedSinceSent) {
        // Show what is stored (e.g. days a week counted from the chosen days).
        var stored = doc.getElementById("dose-saved-values");
        if (stored) applyValues(form, JSON.parse(stored.textContent));
        dose.savedValues = serialize(form);
        if (!dose.pending) setStatus(form, "saved");
      } else if (!dose.pending && !dose.timer) {
        setStatus(form, "dirty");
      }
      return;
    }
    if (!form) return;
    if (response.status === 422) {
      // A newer save is coming for values typed since: its answer is the one that counts.
      if (dose.pending || !unchangedSinceSent) return;
      dose.refusedValues = sentValues;
      clearErrors(form);
      doc.querySelectorAll("[data-errors-for]").forEach(function (box) {
        var mine = form.querySelector('[data-errors-for="' + box.dataset.errorsFor + '"]');
        if (mine) mine.innerHTML = box.innerHTML;
      });
      doc.querySelectorAll('[aria-invalid="true"]').forEach(function (field) {
        var mine = field.id && document.getElementById(field.id);
        if (mine && form.contains(mine)) mine.setAttribute("aria-invalid", "true");
      });
      setStatus(form, "invalid");
      return;
    }
    var conflict = doc.querySelector(".dose-conflict");
    if (response.status === 409 && conflict && conflict.innerHTML.trim()) {
      // Someone else saved this item: keep the typed values, show theirs, let the clinician choose.
      dose.pending = false;
      dose.blocked = true;
      form.querySelector(".dose-conflict").innerHTML = conflict.innerHTML;
      setStatus(form, "conflict");
      return;
    }
    var alert = doc.querySelector(".alert");
    setStatus(form, "error", alert ? alert.textContent.trim() : "Not saved (" + response.status + ").");
  }

  // The stored values, as the server sends them: a list for a group of checkboxes (weekdays),
  // true/false for a single checkbox (rest_day), a number or text for the other fields.
  function applyValues(form, values) {
    Object.keys(values).forEach(function (name) {
      var value = values[name];
      var fields = form.querySelectorAll('[name="' + name + '"]');
      fields.forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          if (Array.isArray(value)) field.checked = value.map(String).indexOf(field.value) !== -1;
          else if (typeof value === "boolean") field.checked = value;
          else field.checked = value !== null && String(value) === field.value;
        } else {
          field.value = value === null ? "" : String(value);
        }
      });
    });
  }

  // What a save changed beside the dose line: the item's safety flags and the program summary
  // come back marked hx-swap-oob (the save is a fetch, not an htmx request: swap them here).
  function swapOutOfBand(doc) {
    doc.querySelectorAll("[hx-swap-oob][id]").forEach(function (fresh) {
      if (fresh.id.indexOf("dose-line-") === 0) return; // shown by showLine, newest revision only
      var here = document.getElementById(fresh.id);
      if (!here) return;
      fresh.removeAttribute("hx-swap-oob");
      var node = document.importNode(fresh, true);
      here.replaceWith(node);
      if (typeof htmx !== "undefined") htmx.process(node);
    });
  }

  // "Use the saved values": the form again, as stored now.
  function useSaved(form) {
    var id = form.dataset.itemId;
    fetch(form.dataset.doseUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.text(); })
      .then(function (text) {
        var fresh = parse(text).querySelector("form.dose-form");
        if (!fresh) return;
        var dose = doseFor(id);
        // The line shown above the form follows the values now in it.
        var theirs = form.querySelector(".conflict-dose-line");
        var mine = form.querySelector('[data-conflict-action="mine"]');
        if (theirs && mine) showLine(id, theirs.textContent, parseInt(mine.value, 10) || 0);
        var node = document.importNode(fresh, true);
        form.replaceWith(node);
        dose.blocked = false;
        dose.savedValues = null;
        adopt(node);
        dose.revision = parseInt(node.elements[node.dataset.revisionField].value, 10) || dose.revision;
        setStatus(node, "saved");
        var first = node.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      });
  }

  function isDoseField(target) {
    return target && target.form && target.form.classList && target.form.classList.contains("dose-form");
  }

  document.addEventListener("input", function (event) {
    if (!isDoseField(event.target)) return;
    var form = event.target.form;
    adopt(form);
    var dose = doseFor(form.dataset.itemId);
    if (dose.blocked) return;
    setStatus(form, dose.inFlight ? "saving" : "dirty");
    clearTimeout(dose.timer);
    dose.timer = setTimeout(function () {
      dose.timer = null;
      var current = doseForm(form.dataset.itemId);
      if (current) requestSave(current, false);
    }, TYPING_PAUSE_MS);
  });

  document.addEventListener("change", function (event) {
    if (!isDoseField(event.target)) return;
    adopt(event.target.form);
    requestSave(event.target.form, false);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("dose-form")) {
      event.preventDefault();
      adopt(form);
      var dose = doseFor(form.dataset.itemId);
      var submitter = event.submitter;
      if (submitter && submitter.dataset.conflictAction === "mine") {
        // "Keep my values": save them over the stored ones the clinician has now seen.
        dose.revision = parseInt(submitter.value, 10) || dose.revision;
        dose.blocked = false;
        form.querySelector(".dose-conflict").innerHTML = "";
      }
      requestSave(form, !dose.blocked);
      return;
    }
    // Leaving the page by a plain form (no HTMX): finish saving doses first.
    if (!form.hasAttribute("hx-post") && busy() && !form.dataset.flushed) {
      event.preventDefault();
      form.dataset.flushed = "1";
      flushThen(function () { form.requestSubmit(event.submitter); });
    }
  }, true);

  document.addEventListener("click", function (event) {
    var theirs = event.target.closest && event.target.closest('[data-conflict-action="theirs"]');
    if (theirs && theirs.closest("form.dose-form")) {
      event.preventDefault();
      useSaved(theirs.closest("form.dose-form"));
      return;
    }
    // Following a link off the builder: finish saving doses first.
    var link = event.target.closest && event.target.closest("a[href]");
    if (link && !link.target && !event.ctrlKey && !event.metaKey && !event.shiftKey && busy()) {
      event.preventDefault();
      flushThen(function () { window.location.href = link.href; });
    }
  }, true);

  // Program-wide actions (issue, reorder, remove) wait until every dose typed so far is saved,
  // so the handout issued is what the clinician sees.
  document.body.addEventListener("htmx:confirm", function (event) {
    if (event.detail.verb === "get") return;
    if (!busy()) return;
    event.preventDefault();
    flushThen(function () { event.detail.issueRequest(true); });
  });

  // Re-rendering the list of items (add, remove, reorder) must not throw away a dose form:
  // move each one, with what is typed in it and its panel open or closed, into the new row.
  var preserved = null;
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "program-items-panel") return;
    preserved = [];
    var active = document.activeElement;
    target.querySelectorAll("form.dose-form").forEach(function (form) {
      var details = form.closest("details");
      preserved.push({ form: form, open: details ? details.open : true, focused: form.contains(active) ? active : null });
    });
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    // The dose form loads once, when its panel is first opened; a kept form is not replaced.
    var elt = event.detail.elt;
    if (elt.tagName === "DETAILS" && elt.querySelector("form.dose-form")) event.preventDefault();
  });

  function restorePreserved() {
    if (!preserved) return;
    preserved.forEach(function (kept) {
      var id = kept.form.dataset.itemId;
      var row = document.getElementById("item-" + id);
      if (!row) return;
      var slot = row.querySelector(".dose-slot");
      if (!slot) return;
      slot.replaceChildren(kept.form);
      var details = row.querySelector("details");
      if (details) details.open = kept.open;
      var dose = doseFor(id);
      var line = document.getElementById("dose-line-" + id);
      if (line && dose.line !== null && dose.lineRevision > (parseInt(line.dataset.itemRevision, 10) || 0)) {
        line.textContent = dose.line;
        line.dataset.itemRevision = String(dose.lineRevision);
      }
      if (kept.focused) kept.focused.focus();
    });
    preserved = null;
  }

  // A region re-rendered while the focus was in it (the handout panel after Issue, Cancel or a
  // decision; the list after a remove) gets the focus back on purpose: on the element it marks
  // data-focus-here (the new panel's heading, Undo), else on its first heading.
  var focusRegions = {};
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    if (target && target.id && active && active !== document.body && target.contains(active)) {
      focusRegions[target.id] = true;
    }
  });

  function refocus(event) {
    var target = event.detail && event.detail.target;
    var id = target && target.id;
    if (!id || !focusRegions[id]) return;
    delete focusRegions[id];
    var region = document.getElementById(id);
    if (!region || region.contains(document.activeElement)) return;
    var spot = region.querySelector("[data-focus-here]") || region.querySelector("h2, h3, h4");
    if (!spot) return;
    if (!spot.matches("a[href], button, input, select, textarea, [tabindex]")) spot.setAttribute("tabindex", "-1");
    spot.focus();
  }

  var focusKey = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    // The button that was pressed (keyboard or mouse) is the focused one.
    var button = document.activeElement;
    var pressed = button && button.dataset && button.dataset.focusKey && event.detail.elt.contains(button);
    focusKey = pressed ? button.dataset.focusKey : null;
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    initSortable();
    restorePreserved();
    adoptAll(event.detail.target);
    if (focusKey) {
      var again = document.querySelector('[data-focus-key="' + focusKey + '"]');
      if (again) again.focus();
      focusKey = null;
    }
    if (event.detail.target && event.detail.target.id === "builder-results") {
      var count = event.detail.target.querySelector(".results-count");
      if (count) announce(count.textContent.replace(/\s+/g, " ").trim());
    }
  });

  // After the swap settles (an outerHTML swap has put its new element in place).
  document.body.addEventListener("htmx:afterSettle", refocus);

  // Every response carries the program's new revision; copy it into every program-wide form on
  // the page so the next change is not mistaken for one made from a stale page. (Dose forms
  // carry their item's revision instead, kept above.)
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var revision = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Program-Revision");
    if (!revision) return;
    document.querySelectorAll('input[name="revision"]').forEach(function (field) {
      field.value = revision;
    });
  });

  // A refused program-wide change that HTMX does not swap (400): say so instead of doing nothing.
  document.body.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail.elt;
    if (elt.tagName === "DETAILS") {
      // The dose form did not load (a server hiccup): try again, a little later each time.
      var tries = parseInt(elt.dataset.loadTries || "0", 10);
      if (tries < RETRIES) {
        elt.dataset.loadTries = String(tries + 1);
        setTimeout(function () {
          htmx.ajax("GET", elt.getAttribute("hx-get"), { source: elt, target: elt.querySelector(".dose-slot"), swap: "innerHTML" });
        }, RETRY_DELAY_MS * (tries + 1));
      }
      return;
    }
    var box = document.getElementById("builder-alerts");
    var xhr = event.detail.xhr;
    if (!box || !xhr) return;
    var alert = parse(xhr.responseText || "").querySelector(".alert");
    box.textContent = alert ? alert.textContent.trim() : "The change was not saved (" + xhr.status + "). Reload the page.";
    box.hidden = false;
  });

  initSortable();
  adoptAll(document);
})();
