/* The note taker's form, offline. Served at the site's root by results.views.notes.notes_service_worker
   and registered by notes.js for one group's form pages only (the scope /events/<slug>/notes/<group>/).
   - The form page and the files it loads (styles, scripts, fonts): from the network first; when
     the network fails, the last copy kept on this device.
   - Nothing else: no POST, none of the form's /state/, /draft/ or /submit/ endpoints, no other page.
   The notes themselves live in localStorage (notes.js); this worker only brings the page back. */
"use strict";

var CACHE = "wti-notes-v1";
var FORM_PAGE = /^\/events\/[\w-]+\/notes\/\d+\/[\w-]+\/$/;
var FILES = ["style", "script", "font"];
var FILE_TYPES = /^(text\/css|text\/javascript|application\/javascript|font\/)/;
var writes = Promise.resolve();

function isFormPage(url) {
  return url.origin === self.location.origin && FORM_PAGE.test(url.pathname);
}

function keep(request, response) {
  // One write at a time, so that a "keep" message sees the copies the fetch handler is writing.
  writes = writes.then(function () { return caches.open(CACHE); })
    .then(function (cache) { return cache.put(request, response); })
    .catch(function () {});
  return writes;
}

function drop(request) {
  writes = writes.then(function () { return caches.open(CACHE); })
    .then(function (cache) { return cache.delete(request, { ignoreVary: true }); })
    .catch(function () {});
  return writes;
}

function kept(request) {
  return caches.open(CACHE).then(function (cache) { return cache.match(request, { ignoreVary: true }); });
}

function networkFirst(event, isPage) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      event.waitUntil(keep(request, response.clone()));
    } else if (isPage && response.status >= 500) {
      // The server is there but failing (a proxy's 502, the database's 503): the kept copy is better.
      return kept(request).then(function (copy) { return copy || response; });
    } else if (isPage) {
      // Signed out, no longer the note taker, a group that changed: forget the copy.
      event.waitUntil(drop(request));
    }
    return response;
  }, function (error) {
    return kept(request).then(function (copy) {
      if (copy) return copy;
      throw error;
    });
  });
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("wti-notes-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (isFormPage(url)) event.respondWith(networkFirst(event, true));
  } else if (FILES.indexOf(request.destination) !== -1) {
    event.respondWith(networkFirst(event, false));
  }
});

/* A page opened before this worker controlled it was not fetched through it: the page sends its
   own address and its files' addresses, and the worker keeps those it does not have yet. */
function keepMissing(urls) {
  return Promise.all(urls.map(function (address) {
    var url;
    try { url = new URL(address, self.location.origin); } catch (e) { return null; }
    if (url.origin !== self.location.origin) return null;
    var page = isFormPage(url);
    return kept(url.href).then(function (copy) {
      if (copy) return null;
      return fetch(url.href, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        var right = page ? type.indexOf("text/html") === 0 : FILE_TYPES.test(type);
        if (response.ok && !response.redirected && right) return keep(new Request(url.href), response);
        return null;
      });
    }).catch(function () { return null; });
  }));
}

self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type !== "keep" || !Array.isArray(message.urls)) return;
  var reply = event.ports && event.ports[0];
  event.waitUntil(writes.then(function () { return keepMissing(message.urls.slice(0, 20)); }).then(function () {
    if (reply) reply.postMessage({ type: "kept" });
  }));
});
