// Attune's service worker, served at /sw.js by config.offline.service_worker.
//
// It keeps only what is the same for everyone: the app shell's static files and the offline page. Pages a
// person opens, their answers and anything they write are never put in Cache Storage: a navigation goes to
// the network, and only when there is no network does the kept offline page answer instead.
"use strict";

var VERSION = "{{ version }}";
var SHELL_CACHE = "attune-shell-" + VERSION;
var SHELL = {{ shell_json|safe }};
var STATIC_PREFIX = {{ static_prefix_json|safe }};
var OFFLINE_URL = {{ offline_url_json|safe }};

// --- Notifications -------------------------------------------------------------------------------------
// The push and notificationclick handlers live in static/js/sw-push.js, loaded here when that file is part
// of this release. A failure to load it must never stop the offline support from installing.
{% if push_script_json %}try {
  importScripts({{ push_script_json|safe }});
} catch (error) {
  // Without it, notifications wait for the next release; everything else still works.
}
{% endif %}// --- End of notifications -------------------------------------------------------------------------------

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      // The offline page is fetched without cookies, so the copy kept is the one a visitor gets.
      return cache.addAll(SHELL.map(function (url) {
        return new Request(url, { credentials: "omit", cache: "reload" });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("attune-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// A page that opened while the worker was being activated is not yet in its care; it asks, and is taken in,
// so that losing the connection right after the first visit still finds the offline page.
self.addEventListener("message", function (event) {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});

function isStatic(url) {
  return url.origin === self.location.origin && url.pathname.indexOf(STATIC_PREFIX) === 0;
}

// Static files have their content's hash in their name: one kept copy is right for as long as it exists.
function staticFirst(request) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (kept) {
      return kept || fetch(request);
    });
  });
}

// A page: always from the network (never kept, it may hold what a person wrote); without one, the offline
// page, which can still take a check-in and a reflection.
function pageOrOffline(request) {
  return fetch(request).catch(function () {
    return caches.open(SHELL_CACHE).then(function (cache) {
      return cache.match(OFFLINE_URL).then(function (kept) {
        return kept || new Response("You’re offline, and Attune’s offline page isn’t on this device yet.", {
          status: 503,
          headers: { "Content-Type": "text/plain; charset=utf-8" }
        });
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return; // sending forms is the page's business
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(pageOrOffline(request));
  } else if (isStatic(url)) {
    event.respondWith(staticFirst(request));
  }
  // Anything else (the offline state, autosaved drafts, htmx parts) goes to the network untouched.
});
