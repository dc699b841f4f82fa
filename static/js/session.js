/* The guided session on the patient's page (progress/session.py, templates/progress/_session_start.html).

   One exercise at a time: the moving picture, a rep counter and a hold timer paced by the dose,
   rest between sets, then "How did it feel?"; the day's pain and note at the end. What was done
   is sent through the "Today" form's own view (its action and CSRF token): the same day log,
   which the server sets rather than adds to, so a resend has one effect. A log made without a
   signal waits in this phone's storage and goes when the phone is back online.

   Every timer reads one clock (window.homerxSession.clock): tests freeze it and advance it.
   Without this script the page is the list of today's exercises above the "Today" form. */
(function () {
  "use strict";

  const dataNode = document.getElementById("session-data");
  const start = document.getElementById("start");
  if (!start) return;
  const data = dataNode ? JSON.parse(dataNode.textContent) : null;
  const labels = data ? data.labels : {};
  const notice = start.querySelector("[data-session-notice]");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const QUEUE_KEY = "homerx-log-queue";

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }

  function say(text) {
    // On the first screen, or beside "Finish and save" while the session's last screen is shown.
    if (notice) notice.textContent = text;
    const end = document.getElementById("session-end");
    if (end && !end.hidden) end.querySelector("[data-finish-status]").textContent = text;
  }

  // The clock every timer reads. Frozen, it moves only when advanced (the browser tests).
  const clock = {
    frozenAt: null,
    offset: 0,
    now: function () { return (this.frozenAt === null ? performance.now() : this.frozenAt) + this.offset; },
    freeze: function () { this.frozenAt = performance.now(); },
    advance: function (ms) { this.offset += ms; tick(); },
  };

  /* ---- The day log: built from the "Today" form, sent now or queued ---- */

  function todayForm() {
    return document.querySelector("#today form[method='post']");
  }

  function linkScope() {
    // The link's own folder (/p/<token>/), from the handout's relative download link.
    const download = document.querySelector("a.download-button");
    return download ? new URL("./", download.href).href : null;
  }

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }

  function writeQueue(queue) {
    if (queue.length) localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    else localStorage.removeItem(QUEUE_KEY);
  }

  function enqueue(entry) {
    // One entry per link and day: a later save of the same day replaces the earlier one.
    const queue = readQueue().filter(function (e) { return !(e.url === entry.url && e.day === entry.day); });
    queue.push(entry);
    writeQueue(queue);
  }

  function swapToday(html) {
    const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("today");
    const old = document.getElementById("today");
    if (!fresh || !old) return;
    const node = document.adoptNode(fresh);
    old.replaceWith(node);
    if (window.htmx) window.htmx.process(node);
  }

  async function freshToken(url) {
    try {
      const page = await fetch(new URL("../", url).href, { credentials: "same-origin" });
      const doc = new DOMParser().parseFromString(await page.text(), "text/html");
      const input = doc.querySelector("#today input[name='csrfmiddlewaretoken']");
      return input ? input.value : null;
    } catch (e) {
      return null;
    }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true" },
    });
  }

  let flushing = null;
  function flush() {
    if (flushing) return flushing;
    flushing = (async function () {
      let sent = 0;
      for (const entry of readQueue()) {
        let response;
        try {
          response = await post(entry.url, entry.body);
          if (response.status === 403) {
            // A CSRF value gone stale while the log waited: send it again with the page's current one.
            const fresh = await freshToken(entry.url);
            if (fresh) {
              const body = new URLSearchParams(entry.body);
              body.set("csrfmiddlewaretoken", fresh);
              response = await post(entry.url, body.toString());
            }
          }
        } catch (e) {
          say(labels.offline || "");
          return sent;
        }
        if (response.status >= 500 || response.status === 429) return sent; // try again later
        // Sent (or refused for good: a revoked link, a day no longer open): never sent twice.
        writeQueue(readQueue().filter(function (e) { return !(e.url === entry.url && e.day === entry.day); }));
        if (response.ok) {
          sent += 1;
          swapToday(await response.text());
        }
      }
      if (sent) say(labels.sent || "");
      return sent;
    })().finally(function () { flushing = null; });
    return flushing;
  }

  function buildLog(results, pain, note) {
    const form = todayForm();
    if (!form) return null;
    const params = new URLSearchParams(new FormData(form));
    const showsToday = params.get("day") === data.day;
    if (!showsToday) {
      // The form shows another day: start from today's log as the page was given it.
      ["day", "pain", "note"].forEach(function (name) { params.delete(name); });
      Array.from(params.keys()).filter(function (k) { return k.startsWith("done-") || k.startsWith("difficulty-"); })
        .forEach(function (k) { params.delete(k); });
      params.set("day", data.day);
      data.items.forEach(function (item) {
        for (let n = 1; n <= item.done; n += 1) params.append("done-" + item.pk, String(n));
      });
      if (data.pain !== null) params.set("pain", String(data.pain));
      params.set("note", data.note || "");
    }
    data.items.forEach(function (item) {
      const result = results[item.pk];
      if (!result) return;
      if (result.done) {
        const count = Math.min(item.due, params.getAll("done-" + item.pk).length + 1);
        params.delete("done-" + item.pk);
        for (let n = 1; n <= count; n += 1) params.append("done-" + item.pk, String(n));
      }
      if (result.feel) params.set("difficulty-" + item.pk, result.feel);
    });
    if (pain !== null) params.set("pain", pain);
    if (note) {
      const before = params.get("note") || "";
      params.set("note", before ? before + "\n" + note : note);
    }
    return { url: new URL(form.getAttribute("action"), location.href).href, day: data.day, body: params.toString() };
  }

  /* ---- The session ---- */

  const session = document.getElementById("session");
  const end = document.getElementById("session-end");
  const startButton = start.querySelector("[data-session-start]");
  const q = function (name) { return session ? session.querySelector("[data-" + name + "]") : null; };
  const state = { index: 0, phases: [], phase: 0, phaseStart: 0, pausedAt: null, running: false, results: {} };

  function plan(item) {
    const phases = [{ label: labels.ready, secs: 5, pose: "start", counter: "" }];
    const sides = item.each_side ? [labels.side_left, labels.side_right] : [""];
    sides.forEach(function (side, sideIndex) {
      for (let s = 1; s <= item.sets; s += 1) {
        const set = item.sets > 1 ? format(labels.set_of, { n: s, total: item.sets }) : "";
        const prefix = [side, set].filter(Boolean).join(" · ");
        if (item.reps) {
          for (let r = 1; r <= item.reps; r += 1) {
            const counter = [prefix, format(labels.rep_of, { n: r, total: item.reps })].filter(Boolean).join(" · ");
            phases.push({ label: labels.move, secs: data.move, pose: "to-end", counter: counter });
            if (item.hold) phases.push({ label: labels.hold, secs: item.hold, pose: "end", counter: counter });
            phases.push({ label: labels.back, secs: data.move, pose: "to-start", counter: counter });
          }
        } else {
          phases.push({ label: labels.keep, secs: item.duration || 30, pose: "end", counter: prefix });
        }
        const last = s === item.sets && sideIndex === sides.length - 1;
        if (!last && item.rest) phases.push({ label: labels.rest, secs: item.rest, pose: "start", counter: prefix });
      }
    });
    return phases;
  }

  function still(item, which) {
    const pictures = item.pictures;
    if (!pictures.length) return null;
    return which === "end" && pictures.length > 1 ? pictures[1].src : pictures[0].src;
  }

  function pictureFor(item, phase, fraction) {
    const frames = item.frames;
    const moving = frames.length > 1 && !reducedMotion.matches;
    if (phase.pose === "start") return moving ? frames[0] : still(item, "start");
    if (phase.pose === "end") return moving ? frames[frames.length - 1] : still(item, "end");
    if (!moving) return still(item, phase.pose === "to-end" ? "end" : "start");
    const step = Math.round(fraction * (frames.length - 1));
    return frames[phase.pose === "to-end" ? step : frames.length - 1 - step];
  }

  function cue() {
    if (q("vibrate") && q("vibrate").checked && navigator.vibrate) navigator.vibrate(120);
    if (q("sound") && q("sound").checked && window.AudioContext) {
      try {
        const audio = cue.audio || (cue.audio = new AudioContext());
        const tone = audio.createOscillator();
        tone.frequency.value = 880;
        tone.connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + 0.12);
      } catch (e) { /* no sound: the screen says it all */ }
    }
  }

  function setPicture(src) {
    const img = q("picture");
    if (src && img.getAttribute("src") !== src) img.setAttribute("src", src);
  }

  function render() {
    const item = data.items[state.index];
    const phase = state.phases[state.phase];
    if (!phase) return;
    const elapsed = (state.pausedAt === null ? clock.now() : state.pausedAt) - state.phaseStart;
    const left = Math.max(0, Math.ceil((phase.secs * 1000 - elapsed) / 1000));
    q("counter").textContent = phase.counter;
    q("phase").textContent = state.pausedAt === null ? phase.label : labels.paused;
    q("clock").textContent = String(left);
    setPicture(pictureFor(item, phase, Math.min(1, elapsed / (phase.secs * 1000))));
  }

  function tick() {
    if (!state.running || state.pausedAt !== null) return;
    let phase = state.phases[state.phase];
    while (phase && clock.now() - state.phaseStart >= phase.secs * 1000) {
      state.phaseStart += phase.secs * 1000;
      state.phase += 1;
      phase = state.phases[state.phase];
      cue();
    }
    if (!phase) {
      finishExercise(true);
      return;
    }
    render();
  }

  function showExercise(index) {
    const item = data.items[index];
    state.index = index;
    state.phases = plan(item);
    state.phase = 0;
    state.phaseStart = clock.now();
    state.pausedAt = null;
    state.running = true;
    q("progress").textContent = format(labels.exercise_of, { n: index + 1, total: data.items.length });
    q("name").textContent = item.name;
    q("dose").textContent = item.dose_line;
    q("picture").setAttribute("alt", item.pictures.length ? item.pictures[0].alt : "");
    const steps = q("steps");
    steps.replaceChildren.apply(steps, item.steps.map(function (text) {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }));
    const cautions = q("cautions");
    cautions.replaceChildren.apply(cautions, item.cautions.map(function (text) {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }));
    q("note").textContent = item.note;
    q("note").hidden = !item.note;
    q("pause").textContent = labels.pause;
    q("run").hidden = false;
    q("rate").hidden = true;
    q("rate").reset();
    item.frames.forEach(function (src) { new Image().src = src; }); // warm the phone's cache
    render();
    q("name").focus();
  }

  function finishExercise(done) {
    const item = data.items[state.index];
    state.running = false;
    state.results[item.pk] = { done: done, feel: "" };
    if (!done) {
      next();
      return;
    }
    setPicture(still(item, "end") || q("picture").getAttribute("src"));
    q("run").hidden = true;
    q("rate").hidden = false;
    q("rate").querySelector("input").focus();
  }

  function next() {
    if (state.index + 1 < data.items.length) {
      showExercise(state.index + 1);
      return;
    }
    session.hidden = true;
    end.hidden = false;
    end.querySelector("h2").focus();
  }

  async function finish(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const pain = form.querySelector("input[name='session-pain']:checked");
    const entry = buildLog(state.results, pain ? pain.value : null, form.querySelector("textarea").value.trim());
    const status = form.querySelector("[data-finish-status]");
    if (!entry) return;
    enqueue(entry);
    form.querySelector("button[type='submit']").disabled = true;
    const sent = await flush();
    status.textContent = sent ? labels.saved : labels.offline;
    status.focus();
  }

  if (data && session && startButton) {
    startButton.hidden = false;
    startButton.addEventListener("click", function () {
      start.hidden = true;
      session.hidden = false;
      showExercise(0);
    });
    q("pause").addEventListener("click", function () {
      if (state.pausedAt === null) {
        state.pausedAt = clock.now();
        q("pause").textContent = labels.resume;
      } else {
        state.phaseStart += clock.now() - state.pausedAt;
        state.pausedAt = null;
        q("pause").textContent = labels.pause;
      }
      render();
    });
    q("skip").addEventListener("click", function () { finishExercise(false); });
    q("done").addEventListener("click", function () { finishExercise(true); });
    q("rate").addEventListener("submit", function (event) {
      event.preventDefault();
      const feel = q("rate").querySelector("input:checked");
      state.results[data.items[state.index].pk].feel = feel ? feel.value : "";
      next();
    });
    end.querySelector("[data-finish]").addEventListener("submit", finish);
    window.setInterval(tick, 100);
  }

  /* ---- Kept on this phone: the link's service worker ---- */

  const scope = linkScope();
  const forgetRow = start.querySelector("[data-forget-row]");
  let offlineReady = Promise.resolve(false);
  if (scope && "serviceWorker" in navigator && window.caches) {
    const version = start.getAttribute("data-version");
    offlineReady = navigator.serviceWorker.register(scope + "sw.js?v=" + encodeURIComponent(version), { scope: scope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        const urls = new Set([location.href.split("#")[0].split("?")[0]]);
        document.querySelectorAll("link[rel='stylesheet'][href], script[src], img[src]").forEach(function (node) {
          const url = node.href || node.src;
          if (url && !url.startsWith("data:")) urls.add(url);
        });
        if (data) data.items.forEach(function (item) {
          item.frames.forEach(function (src) { urls.add(new URL(src, location.href).href); });
          item.pictures.forEach(function (p) { if (!p.src.startsWith("data:")) urls.add(new URL(p.src, location.href).href); });
        });
        const download = document.querySelector("a.download-button");
        if (download) urls.add(download.href);
        return new Promise(function (resolve) {
          const channel = new MessageChannel();
          channel.port1.onmessage = function () { resolve(true); };
          registration.active.postMessage({ cache: Array.from(urls) }, [channel.port2]);
        });
      })
      .catch(function () { return false; });
    if (forgetRow) forgetRow.hidden = false;
    if (forgetRow) forgetRow.querySelector("[data-forget]").addEventListener("click", async function () {
      await flush();
      const registration = await navigator.serviceWorker.getRegistration(scope);
      if (registration) {
        if (registration.active) registration.active.postMessage({ forget: true });
        await registration.unregister();
      }
      const names = await caches.keys();
      await Promise.all(names.filter(function (n) { return n.startsWith("homerx-link:" + scope); })
        .map(function (n) { return caches.delete(n); }));
      writeQueue(readQueue().filter(function (e) { return !e.url.startsWith(scope); }));
      say(labels.forgotten || "");
    });
  }

  window.addEventListener("online", flush);
  if (readQueue().length && navigator.onLine) flush();
  document.body.addEventListener("htmx:afterSwap", function () {
    // "Today" saved in place: its confirmation, beside the button, takes the focus.
    const saved = document.querySelector("#today .today-saved");
    if (saved) saved.focus();
  });

  window.homerxSession = { clock: clock, flush: flush, offlineReady: offlineReady, queue: readQueue };
})();
