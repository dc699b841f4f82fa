/* The patient link's service worker (prescriptions.public.views.service_worker), scoped to the
   link (/p/<token>/): keeps the page, its pictures, frames and PDF on the phone so it opens with
   no signal. One cache per link and issued version ("?v="): a re-issue installs a new worker,
   which drops the older version's cache. A visit with a signal that finds the link gone (404:
   revoked, expired or archived) removes everything kept, and the worker itself. */
"use strict";
const VERSION = new URL(self.location.href).searchParams.get("v") || "0";
const SCOPE = self.registration.scope;
const PREFIX = "homerx-link:" + SCOPE + ":";
const CACHE = PREFIX + VERSION;
// Drawn pictures and animation frames have their drawing's version in their URL: never stale.
const IMMUTABLE = /\/exercises\/pictures\//;

function forget() {
  return caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX)).map((n) => caches.delete(n))))
    .then(() => self.registration.unregister());
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.add(SCOPE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  const reply = () => { if (event.ports[0]) event.ports[0].postMessage("done"); };
  if (message.forget) {
    event.waitUntil(forget().then(reply));
  } else if (Array.isArray(message.cache)) {
    const urls = message.cache.filter((url) => new URL(url).origin === self.location.origin);
    event.waitUntil(
      caches.open(CACHE)
        .then((cache) => Promise.all(urls.map((url) => cache.match(url).then((hit) => hit || cache.add(url).catch(() => null)))))
        .then(reply)
    );
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(
        (response) => {
          if (response.status === 404) {
            forget();
          } else if (response.ok && url.href === SCOPE) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(SCOPE, copy));
          }
          return response;
        },
        () => caches.open(CACHE).then((cache) => cache.match(SCOPE))
      )
    );
    return;
  }
  if (IMMUTABLE.test(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(request).then((hit) => hit || fetch(request))));
    return;
  }
  // Everything else: the network when there is one (a fresh stylesheet), else what was kept.
  event.respondWith(
    fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true })).then((hit) => hit || Response.error()))
  );
});
