// Attune without a connection. Every page works without this file; with it:
// - the service worker (/sw.js) is registered, so the offline page opens when there is no network;
// - a quick check-in or a new reflection written with no connection is kept on this device, sealed with a key
//   this browser made and cannot export (AES-GCM, WebCrypto), and shown as "waiting to be sent";
// - when the connection returns, each waiting piece is sent once through the page's own form address, only
//   while the person who wrote it is signed in. A retry never makes a second copy: a reflection carries its
//   form's one-time key, a check-in says which score it was written against, so a rating saved elsewhere
//   meanwhile is shown side by side instead of being overwritten;
// - logging out erases what waits, and the key with it.
// Nothing a person writes is ever stored in plain text: not in IndexedDB, localStorage or Cache Storage.
(function () {
  "use strict";

  var SW_URL = "/sw.js";
  var STATE_URL = "/offline/state/";
  var CHECKIN_URL = "/needs/check-in/";
  var WRITER_FIELD = "written_by"; // the hidden field naming whose words a form holds (see needs.privacy.recovery)
  var NEW_REFLECTION_URL = "/journal/new/";
  var LOGOUT_URL = "/accounts/logout/";
  var GOODBYE_URL = "/goodbye/"; // shown once an account is deleted
  var DB_NAME = "attune-offline";
  var STORES = ["keys", "waiting", "kept"];

  if ("serviceWorker" in navigator) {
    // Registered once the page has loaded, so installing the worker never competes with the first paint.
    var register = function () {
      navigator.serviceWorker.register(SW_URL, { scope: "/" }).catch(function () {
        // Without a worker the site still works online; only the offline page is missing.
      });
    };
    if (document.readyState === "complete") register();
    else window.addEventListener("load", register);
    navigator.serviceWorker.ready.then(function (registration) {
      if (!navigator.serviceWorker.controller && registration.active) registration.active.postMessage("claim");
    });
  }

  var supported = !!(window.indexedDB && window.crypto && window.crypto.subtle && window.fetch && window.TextEncoder);

  // --- Storage: one database, three stores ----------------------------------------------------------
  // keys:    {id: "seal", key: CryptoKey}  (non-extractable: the browser keeps it, no script can read it)
  // waiting: {id, kind, person, writtenAt, status, iv, data}  (data: the sealed form fields)
  // kept:    {id: "state", person, iv, data}  (data: the sealed needs list and today's date)
  var dbPromise = null;

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        STORES.forEach(function (name) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: "id" });
        });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { dbPromise = null; reject(request.error); };
    });
    return dbPromise;
  }

  function run(storeNames, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeNames, mode);
        var result;
        Promise.resolve(work(tx, function (value) { result = value; }));
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function getOne(store, id) {
    return run([store], "readonly", function (tx, done) {
      var request = tx.objectStore(store).get(id);
      request.onsuccess = function () { done(request.result); };
    });
  }

  function getAll(store) {
    return run([store], "readonly", function (tx, done) {
      var request = tx.objectStore(store).getAll();
      request.onsuccess = function () { done(request.result || []); };
    });
  }

  function putOne(store, value) {
    return run([store], "readwrite", function (tx) { tx.objectStore(store).put(value); });
  }

  function deleteOne(store, id) {
    return run([store], "readwrite", function (tx) { tx.objectStore(store).delete(id); });
  }

  function eraseAll() {
    return run(STORES, "readwrite", function (tx) {
      STORES.forEach(function (name) { tx.objectStore(name).clear(); });
    });
  }

  // --- Sealing -------------------------------------------------------------------------------------------
  // Read from the database each time: after a log-out in another tab erased it, a new key is made, never an
  // old one kept in memory that could not open anything later.
  function sealKey() {
    return getOne("keys", "seal").then(function (found) {
      if (found && found.key) return found.key;
      return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
        .then(function (key) {
          // `add` refuses a second key: if another tab made one first, use that one.
          return run(["keys"], "readwrite", function (tx) { tx.objectStore("keys").add({ id: "seal", key: key }); })
            .then(function () { return key; }, function () {
              return getOne("keys", "seal").then(function (other) { return other.key; });
            });
        });
    });
  }

  // The record's id is bound into the seal: a sealed value copied onto another record does not open.
  function seal(id, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(value));
    return sealKey().then(function (key) {
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: new TextEncoder().encode(id) }, key, plain);
    }).then(function (data) { return { iv: iv, data: data }; });
  }

  function unseal(record) {
    return sealKey().then(function (key) {
      return crypto.subtle.decrypt(
        { name: "AES-GCM", iv: record.iv, additionalData: new TextEncoder().encode(record.id) }, key, record.data
      );
    }).then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- Who is signed in, and the needs to check in on --------------------------------------------------
  var state = null; // the latest answer of /offline/state/ on this page
  var kept = null; // the sealed copy of it, opened (for pages opened offline)
  var loginNeeded = false;

  // Pieces opened in the site's own page stay here until the server says they arrived: the answer's `sent`
  // names them (a check-in by its id, a reflection by its form's one-time key, asked for with ?reflection=).
  function fetchState() {
    return getAll("waiting").catch(function () { return []; }).then(function (items) {
      var query = items.filter(function (item) { return item.formKey; })
        .map(function (item) { return "reflection=" + encodeURIComponent(item.formKey); }).join("&");
      return fetch(STATE_URL + (query ? "?" + query : ""), {
        credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
      });
    })
      .then(function (response) {
        if (!response.ok) throw new Error("state " + response.status);
        return response.json();
      })
      .then(function (answer) {
        state = answer;
        loginNeeded = !answer.person;
        return letGoOfSent(answer).then(function () { return answer; });
      })
      .then(function (answer) {
        if (!answer.person) {
          // No one is signed in: the needs list of whoever was goes. What they wrote waits for them.
          kept = null;
          return deleteOne("kept", "state").then(function () { return answer; });
        }
        var snapshot = {
          today: answer.today, zone: answer.zone, dayEnds: answer.dayEnds, needs: answer.needs, fetchedAt: Date.now()
        };
        return seal("state", snapshot).then(function (sealed) {
          kept = snapshot;
          kept.person = answer.person;
          return putOne("kept", { id: "state", person: answer.person, iv: sealed.iv, data: sealed.data });
        }).then(function () { return answer; });
      });
  }

  function letGoOfSent(answer) {
    var sent = answer.sent || [];
    if (!answer.person || !sent.length) return Promise.resolve();
    return getAll("waiting").then(function (items) {
      var arrived = items.filter(function (item) {
        if (item.person !== answer.person) return false;
        if (sent.indexOf(item.id) !== -1) return true;
        // By its form's key: the server holds that form, but a copy sent again with other words (a save
        // stopped, the text changed, saved again) may hold more than it does, so that one is sent itself.
        // Once such a copy has been opened in the site's own page (a comparison, a form to look at), the person has
        // seen its words there, as with any copy that needed their eyes.
        return sent.indexOf(item.formKey) !== -1 && (!item.resend || item.opened);
      });
      return Promise.all(arrived.map(function (item) { return deleteOne("waiting", item.id); }))
        .then(function () {
          tellArrived(arrived.filter(function (item) { return item.status === "waiting" || item.status === "sending"; }));
        });
    });
  }

  // Writing that went without its page showing it (a connection lost on the way, sent from here later) is
  // named once it is saved, so no one writes it twice. (Pages without the panel have nothing to say it on;
  // the page a saved reflection opens on says so itself.)
  function tellArrived(items) {
    if (!items.length) return;
    if (items.length > 1) {
      announce("Sent: " + items.length + " pieces of writing from this device are saved.");
      return;
    }
    var item = items[0];
    announce((item.kind === "checkin" ? "Your check-in written " : "Your reflection written ") +
      when(item.writtenAt) + " is saved.");
  }

  function loadKept() {
    return getOne("kept", "state").then(function (record) {
      if (!record) return null;
      return unseal(record).then(function (snapshot) {
        snapshot.person = record.person;
        kept = snapshot;
        return snapshot;
      });
    }).catch(function () { return null; });
  }

  // Online, the server's answer decides (no one signed in: no one); offline, the sealed list's person.
  function currentPerson() {
    if (state) return state.person || null;
    return kept ? kept.person : null;
  }

  // The person's date now, as the server counts it: their time zone, and their day ends when they say.
  function localToday() {
    var source = kept || state;
    if (!source || !source.zone) return null;
    var ends = (source.dayEnds || "00:00").split(":");
    var moment = new Date(Date.now() - (Number(ends[0]) * 60 + Number(ends[1])) * 60000);
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-CA", { timeZone: source.zone, year: "numeric", month: "2-digit", day: "2-digit" })
        .formatToParts(moment).forEach(function (part) { parts[part.type] = part.value; });
      return parts.year + "-" + parts.month + "-" + parts.day;
    } catch (error) {
      return source.today || null;
    }
  }

  // --- Which forms wait when offline -------------------------------------------------------------------
  function pathOf(url) {
    try { return new URL(url, location.href).pathname; } catch (error) { return ""; }
  }

  function formKind(form) {
    if (!form || form.tagName !== "FORM") return null;
    var mark = form.getAttribute("data-offline-form");
    if (mark) return mark;
    var action = pathOf(form.getAttribute("action") || location.href);
    if (action === CHECKIN_URL && form.querySelector('input[name="quick"]')) return "checkin";
    if (form.id === "reflection-form" && action === NEW_REFLECTION_URL) {
      var version = form.querySelector('[name="version"]');
      if (!version || !version.value) return "reflection";
    }
    return null;
  }

  function isLogout(form) {
    return form && form.tagName === "FORM" && pathOf(form.getAttribute("action") || location.href) === LOGOUT_URL;
  }

  function fieldsOf(form, kind) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    var named = function (name) { return fields.some(function (pair) { return pair[0] === name; }); };
    if (kind === "checkin") {
      // Each rating says which score the page showed, so one saved elsewhere meanwhile is not overwritten.
      form.querySelectorAll("select[name$='-score']").forEach(function (select) {
        var shown = "";
        Array.prototype.forEach.call(select.options, function (option) { if (option.defaultSelected) shown = option.value; });
        fields.push([select.name.replace(/-score$/, "-based_on"), shown]);
      });
      var today = localToday();
      if (today && !named("date")) fields.push(["date", today]);
    } else if (kind === "reflection") {
      if (!named("form_key") || !fields.some(function (pair) { return pair[0] === "form_key" && pair[1]; })) {
        fields = fields.filter(function (pair) { return pair[0] !== "form_key"; });
        fields.push(["form_key", newId()]);
      }
      var date = localToday();
      if (date && !fields.some(function (pair) { return pair[0] === "date" && pair[1]; })) {
        fields = fields.filter(function (pair) { return pair[0] !== "date"; });
        fields.push(["date", date]);
      }
    }
    return fields;
  }

  function hasContent(kind, fields) {
    return fields.some(function (pair) {
      if (kind === "checkin") return /-score$/.test(pair[0]) && pair[1] !== "";
      return pair[0] === "body" && pair[1].trim() !== "";
    });
  }

  function keep(form, kind) {
    var person = currentPerson();
    var fields = fieldsOf(form, kind);
    if (!person) {
      announce("This can’t be kept on this device yet: open Attune once while connected and signed in. Your words are still in the form.");
      return Promise.resolve();
    }
    if (!hasContent(kind, fields)) {
      announce(kind === "checkin" ? "Choose a score for at least one need first." : "Write a few words first.");
      return Promise.resolve();
    }
    var id = newId();
    var url = kind === "checkin" ? CHECKIN_URL : NEW_REFLECTION_URL;
    return seal(id, { url: url, fields: fields }).then(function (sealed) {
      return putOne("waiting", {
        id: id, kind: kind, person: person, writtenAt: Date.now(), status: "waiting", iv: sealed.iv, data: sealed.data
      });
    }).then(function () {
      form.reset();
      announce(kind === "checkin"
        ? "Your check-in is kept on this device, sealed. It will be sent when you’re back online."
        : "Your reflection is kept on this device, sealed. It will be sent when you’re back online.");
      return render();
    }).then(function () {
      if (navigator.onLine) sendWaiting();
    }, function () {
      announce("This browser couldn’t keep it. Your words are still in the form — please copy them somewhere safe.");
    });
  }

  // --- Sending what waits --------------------------------------------------------------------------------
  var sending = null;

  function withLock(work) {
    if (navigator.locks && navigator.locks.request) return navigator.locks.request("attune-offline-send", work);
    return work();
  }

  function sendWaiting() {
    if (!supported) return Promise.resolve();
    if (sending) return sending;
    sending = getAll("waiting").then(function (items) {
      if (!items.length) return null;
      return fetchState().then(function (answer) {
        if (!answer.person) return null; // kept until the person who wrote it logs in again
        return withLock(function () {
          return getAll("waiting").then(function (fresh) {
            var mine = fresh.filter(function (item) { return item.person === answer.person && item.status === "waiting"; })
              .sort(function (a, b) { return a.writtenAt - b.writtenAt; }); // the newest words are sent last
            var arrived = [];
            return mine.reduce(function (chain, item) {
              return chain.then(function (go) {
                if (go === false) return false;
                return sendOne(item, answer).then(function (result) {
                  if (result === "sent") arrived.push(item);
                  return result !== false;
                });
              });
            }, Promise.resolve(true)).then(function () { tellArrived(arrived); });
          });
        });
      });
    }).catch(function () {
      // Still no connection: everything stays as it is.
    }).then(function () {
      sending = null;
      return render();
    });
    return sending;
  }

  function outcomeOf(item, response, text) {
    var path = pathOf(response.url);
    if (path.indexOf("/accounts/login/") === 0) return "login";
    if (response.status === 403 || response.status >= 500) return "later";
    if (item.kind === "checkin") {
      if (response.status === 409) return "conflict";
      if (response.ok && text.indexOf('id="quick-saved"') !== -1) return "sent";
      return "check";
    }
    if (response.redirected && /^\/journal\/[0-9a-f-]{36}\/$/.test(path)) return "sent";
    if (response.ok && /class="[^"]*\bconflict\b/.test(text)) return "conflict";
    return "check";
  }

  // Returns false to stop the round (no connection, signed out): the rest waits for the next one.
  function sendOne(item, answer) {
    return unseal(item).then(function (payload) {
      var body = new URLSearchParams();
      payload.fields.forEach(function (pair) { if (pair[0] !== WRITER_FIELD) body.append(pair[0], pair[1]); });
      body.append(WRITER_FIELD, item.person); // whose words: kept for them alone if the session ends on the way
      body.append("csrfmiddlewaretoken", answer.csrf);
      var headers = { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": answer.csrf };
      // The check-in answers with its small part instead of a page and a message for later.
      if (item.kind === "checkin") headers["HX-Request"] = "true";
      return fetch(payload.url, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
        .then(function (response) {
          return response.text().then(function (text) { return outcomeOf(item, response, text); });
        });
    }).then(function (outcome) {
      if (outcome === "sent") return deleteOne("waiting", item.id).then(function () { return "sent"; });
      if (outcome === "login") { loginNeeded = true; return false; }
      if (outcome === "later") return false;
      item.status = outcome; // "conflict" or "check": the person decides, on the form's own page
      return putOne("waiting", item).then(function () { return true; });
    }, function () { return false; });
  }

  // A piece that needs the person's eyes is sent as an ordinary form, so the site's own page (the conflict
  // view, or the form with what needs another look) shows it, with every word.
  // It stays here until the server confirms it arrived (see fetchState): a page that never loads, a log-in
  // on the way, or a comparison closed without choosing leaves it waiting.
  function openForReal(id) {
    return getOne("waiting", id).then(function (item) {
      if (!item) return null;
      return Promise.all([unseal(item), fetchState()]).then(function (both) {
        var payload = both[0];
        if (!both[1].person || item.person !== both[1].person) {
          announce(both[1].person
            ? "This was written by someone else signed in on this device. It waits for them."
            : "Log in as yourself first. It is still waiting on this device.");
          return null;
        }
        var form = document.createElement("form");
        form.method = "post";
        form.action = payload.url;
        form.hidden = true;
        payload.fields.forEach(function (pair) { if (pair[0] === "form_key") item.formKey = pair[1]; });
        item.opened = true;
        payload.fields.filter(function (pair) { return pair[0] !== WRITER_FIELD; }).concat([
          ["offline_id", item.id], [WRITER_FIELD, item.person], ["csrfmiddlewaretoken", both[1].csrf]
        ]).forEach(function (pair) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = pair[0];
          input.value = pair[1];
          form.appendChild(input);
        });
        document.body.appendChild(form);
        return putOne("waiting", item).then(function () { HTMLFormElement.prototype.submit.call(form); });
      });
    }).catch(function () {
      announce("That needs a connection. It is still waiting on this device.");
    });
  }

  // --- What the page shows -------------------------------------------------------------------------------
  var panel = null;

  function announce(text) {
    if (!panel) return;
    var note = panel.querySelector("[data-offline-note]");
    note.textContent = text;
    panel.hidden = false;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function buildPanel(container) {
    container.textContent = "";
    container.classList.add("offline-waiting");
    container.appendChild(el("p", "mb-1", "")).setAttribute("data-offline-summary", "");
    container.querySelector("[data-offline-summary]").setAttribute("role", "status");
    var note = el("p", "mb-1 small", "");
    note.setAttribute("data-offline-note", "");
    note.setAttribute("role", "status");
    container.appendChild(note);
    var list = el("ul", "list-unstyled mb-2 small");
    list.setAttribute("data-offline-list", "");
    container.appendChild(list);
    var erase = el("button", "btn btn-sm btn-outline-secondary", "Erase what waits on this device");
    erase.type = "button";
    erase.hidden = true;
    erase.setAttribute("data-offline-erase", "");
    erase.addEventListener("click", function () {
      // Only the signed-in person's writing; with no one known, everything, once the person is sure.
      var person = currentPerson();
      if (!person && !window.confirm("Attune can’t tell whose writing this is while no one is signed in. Erase everything waiting on this device?")) return;
      getAll("waiting").then(function (items) {
        return Promise.all(items.filter(function (item) { return !person || item.person === person; })
          .map(function (item) { return deleteOne("waiting", item.id); }));
      }).then(function () {
        announce(person ? "Erased. Nothing of yours waits on this device now." : "Erased. Nothing waits on this device now.");
        return render();
      });
    });
    container.appendChild(erase);
    panel = container;
  }

  function when(ms) {
    var moment = new Date(ms);
    return moment.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" }) + ", " +
      moment.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  }

  function render() {
    if (!panel || !supported) return Promise.resolve();
    return getAll("waiting").then(function (items) {
      var person = currentPerson();
      var mine = items.filter(function (item) { return !person || item.person === person; });
      var summary = panel.querySelector("[data-offline-summary]");
      var list = panel.querySelector("[data-offline-list]");
      list.textContent = "";
      panel.querySelector("[data-offline-erase]").hidden = mine.length === 0;
      var noted = panel.querySelector("[data-offline-note]").textContent !== "";
      panel.hidden = mine.length === 0 && !noted && !panel.hasAttribute("data-offline-always");
      if (!mine.length) {
        summary.textContent = "Nothing is waiting to be sent from this device.";
        return;
      }
      var count = mine.length === 1 ? "1 piece of writing is" : mine.length + " pieces of writing are";
      var pending = mine.some(function (item) { return item.status === "waiting"; });
      var how = !navigator.onLine
        ? " It all goes by itself when you’re back online."
        : loginNeeded ? " Log in as yourself and it all goes by itself."
        : pending ? " Sending…" : " Please take a look below.";
      summary.textContent = "Waiting to send: " + count + " kept on this device, sealed." + how;
      mine.sort(function (a, b) { return a.writtenAt - b.writtenAt; }).forEach(function (item) {
        var row = el("li", "py-1");
        var what = item.kind === "checkin" ? "A check-in" : "A reflection";
        row.appendChild(document.createTextNode(what + " written " + when(item.writtenAt) + " — "));
        if (item.status === "conflict" || item.status === "check") {
          row.appendChild(document.createTextNode(item.status === "conflict"
            ? "it was changed somewhere else meanwhile. "
            : "it couldn’t be saved as it was. "));
          var open = el("button", "btn btn-sm btn-outline-primary", item.status === "conflict" ? "Compare and choose" : "Open it");
          open.type = "button";
          open.addEventListener("click", function () { openForReal(item.id); });
          row.appendChild(open);
        } else {
          row.appendChild(document.createTextNode("waiting."));
        }
        list.appendChild(row);
      });
    });
  }

  // --- The offline page: check in and write from the sealed needs list ---------------------------------
  var SCORES = [["", "Skip"]].concat([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(function (n) { return [String(n), n + " / 10"]; }));
  var CATEGORY_LABELS = { mental: "Mental", physical: "Physical", spiritual: "Spiritual", emotional: "Emotional" };

  function fillOfflinePage() {
    var checkin = document.querySelector('[data-offline-form="checkin"]');
    var reflection = document.querySelector('[data-offline-form="reflection"]');
    var noNeeds = document.querySelector("[data-offline-no-needs]");
    var needsJs = document.querySelector("[data-offline-needs-js]");
    var source = kept;
    if (!source || !source.person) {
      if (needsJs) {
        needsJs.hidden = false;
        needsJs.textContent = "Writing here needs one visit to your home page while connected and signed in on this device.";
      }
      if (checkin) checkin.hidden = true;
      if (reflection) reflection.hidden = true;
      if (noNeeds) noNeeds.hidden = false;
      return;
    }
    if (needsJs) needsJs.hidden = true;
    if (reflection) reflection.hidden = false;
    var today = localToday();
    var needs = source.needs || [];
    if (!checkin || !needs.length) return;
    var list = checkin.querySelector("[data-offline-needs]");
    list.textContent = "";
    checkin.querySelectorAll("input[data-offline-management]").forEach(function (input) { input.remove(); });
    [["quick", "1"], ["rating-TOTAL_FORMS", String(needs.length)], ["rating-INITIAL_FORMS", String(needs.length)],
      ["rating-MIN_NUM_FORMS", "0"], ["rating-MAX_NUM_FORMS", "500"]].forEach(function (pair) {
      var input = el("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      input.setAttribute("data-offline-management", "");
      checkin.appendChild(input);
    });
    needs.forEach(function (need, index) {
      var row = el("li", "d-flex flex-wrap align-items-center justify-content-between gap-2 py-1 border-bottom");
      var hidden = el("input");
      hidden.type = "hidden";
      hidden.name = "rating-" + index + "-need";
      hidden.value = need.id;
      row.appendChild(hidden);
      var label = el("label");
      label.htmlFor = "offline-need-" + index;
      var mark = el("span", "category-mark category-" + need.category);
      mark.appendChild(el("span", "visually-hidden", (CATEGORY_LABELS[need.category] || need.category) + ": "));
      label.appendChild(mark);
      label.appendChild(document.createTextNode(need.name));
      row.appendChild(label);
      var select = el("select", "form-select form-select-sm quick-score");
      select.id = "offline-need-" + index;
      select.name = "rating-" + index + "-score";
      // What the home page showed for today, when the kept list is today's: the rating this one replaces.
      var shown = source.today === today && need.score !== null && need.score !== undefined ? String(need.score) : "";
      SCORES.forEach(function (pair) {
        var option = el("option", "", pair[1]);
        option.value = pair[0];
        option.defaultSelected = pair[0] === shown;
        select.appendChild(option);
      });
      row.appendChild(select);
      list.appendChild(row);
    });
    checkin.hidden = false;
    if (noNeeds) noNeeds.hidden = true;
  }

  // --- Wiring ------------------------------------------------------------------------------------------
  if (!supported) return;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (isLogout(form)) {
      // Log-out erases everything waiting here and the key that sealed it, then logs out.
      event.preventDefault();
      event.stopImmediatePropagation();
      var done = function () { submitAsUsual(form, event.submitter); };
      eraseAll().then(done, done);
      forgetPush();
      return;
    }
    var kind = formKind(form);
    if (!kind) return;
    var offlinePage = form.hasAttribute("data-offline-form");
    if (!offlinePage && navigator.onLine !== false) {
      // Online, as far as the browser knows. The quick check-in goes through htmx (its failures are kept
      // below); a new reflection is sealed here first, so a connection that drops on the way loses nothing.
      if (kind === "reflection") {
        event.preventDefault(); // the page's other listeners (autosave) still see the submit
        keepThenSubmit(form, event.submitter);
      }
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    keep(form, kind);
  }, true);

  // A new reflection, sent while the browser believes it is online: a sealed copy is kept first (marked
  // "sending"), then the form goes as an ordinary form, so every answer of the site works as always (the saved
  // reflection, something to fix, a log-in on the way, a form grown too old). The next page settles the copy:
  // the server confirms it arrived (by its form key), or the page shows the form again with the words in it;
  // otherwise (a connection that dropped on the way: a tunnel, a lift) it waits to be sent by itself, once.
  var submitting = false;
  var submittedKeys = []; // the form keys this page has sent
  var SEAL_WAIT = 1500; // ms: a browser whose storage hangs still sends the form, unkept, after this long
  window.addEventListener("pageshow", function (event) { if (event.persisted) submitting = false; });

  // The form sent as the browser would have sent it, with the button that sent it.
  function submitAsUsual(form, submitter) {
    if (submitter && submitter.name) {
      var carried = el("input");
      carried.type = "hidden";
      carried.name = submitter.name;
      carried.value = submitter.value;
      form.appendChild(carried);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function keepThenSubmit(form, submitter) {
    if (submitting) return;
    submitting = true;
    var gone = false;
    // Sent once, whichever comes first: the copy kept, or the wait over. Once sent, the button works again,
    // so a send stopped on the way (Esc, the browser's stop) can be pressed again: the form's one-time key
    // keeps the server from saving it twice.
    var go = function () {
      if (gone) return;
      gone = true;
      submitting = false;
      submitAsUsual(form, submitter);
    };
    var person = document.body.getAttribute("data-person");
    var ownKey = form.querySelector('input[name="form_key"]');
    var fields = fieldsOf(form, "reflection");
    if (!person || !ownKey || !ownKey.value || !hasContent("reflection", fields)) {
      go();
      return;
    }
    window.setTimeout(go, SEAL_WAIT);
    var id = newId();
    var formKey = ownKey.value;
    // This form went before (from this page, or the page is its answer: the form shown again to fix something):
    // the server may hold other words under its key.
    var sentBefore = submittedKeys.indexOf(formKey) !== -1 || form.hasAttribute("data-sent-before");
    submittedKeys.push(formKey);
    // One copy per form: this one is kept first, then an earlier copy of the same form (sent, stopped,
    // changed, sent again) gives way to it. A copy that replaced another is always sent itself: the server
    // holding its form says nothing of which words it holds.
    var writtenAt = Date.now();
    var earlier = getAll("waiting").then(function (items) {
      return items.filter(function (item) {
        return item.formKey === formKey && item.person === person && item.status !== "conflict";
      });
    }).catch(function () { return []; });
    Promise.all([earlier, seal(id, { url: NEW_REFLECTION_URL, fields: fields })]).then(function (both) {
      return putOne("waiting", {
        id: id, kind: "reflection", person: person, writtenAt: writtenAt, status: "sending",
        formKey: formKey, resend: both[0].length > 0 || sentBefore, iv: both[1].iv, data: both[1].data
      }).then(function () {
        return Promise.all(both[0].map(function (item) { return deleteOne("waiting", item.id); }));
      });
    }).then(go, go);
  }

  // Copies marked "sending" by the page before: one whose form this page shows again holds its words here and
  // goes; any other waits to be sent (one the server confirmed has already gone, in fetchState).
  // Only the new-reflection form counts, shown to the person who wrote the copy: any other form carrying the
  // key (a page asking to send it again) or another person signed in leaves the copy to be sent by itself.
  function settleSending() {
    var who = document.body.getAttribute("data-person");
    var ownKey = document.querySelector('#reflection-form input[name="form_key"]');
    var shown = ownKey && formKind(ownKey.form) === "reflection" ? ownKey.value : null;
    return getAll("waiting").then(function (items) {
      return Promise.all(items.map(function (item) {
        if (shown && item.formKey === shown && who && item.person === who && item.status !== "conflict") {
          return deleteOne("waiting", item.id);
        }
        if (item.status !== "sending") return null;
        item.status = "waiting";
        return putOne("waiting", item);
      }));
    }).catch(function () {});
  }

  // This browser's notifications end with the log-out too (started alongside the erasing, never waited for:
  // the server forgets the device when its push service next answers that it is gone).
  function forgetPush() {
    try {
      if (!("serviceWorker" in navigator) || !window.PushManager) return;
      navigator.serviceWorker.ready
        .then(function (registration) { return registration.pushManager.getSubscription(); })
        .then(function (subscription) { return subscription && subscription.unsubscribe(); })
        .catch(function () { /* nothing to forget */ });
    } catch (error) { /* no push in this browser */ }
  }

  // Online, but the request never reached the server (htmx's quick check-in): keep it the same way.
  document.addEventListener("htmx:sendError", function (event) {
    var source = event.detail && event.detail.elt;
    var form = source && (source.tagName === "FORM" ? source : source.closest && source.closest("form"));
    var kind = formKind(form);
    if (kind) keep(form, kind);
  });

  window.addEventListener("online", function () { render(); sendWaiting(); });
  window.addEventListener("offline", function () { render(); });

  function placePanel() {
    var container = document.querySelector("[data-offline-waiting]");
    if (container) {
      container.setAttribute("data-offline-always", "");
      buildPanel(container);
      return true;
    }
    var form = Array.prototype.find.call(document.forms, function (candidate) { return formKind(candidate); });
    if (!form) return false;
    container = el("div", "card card-body mb-3");
    container.setAttribute("data-offline-waiting", "");
    container.hidden = true;
    var anchor = form.closest("section") || form;
    anchor.parentNode.insertBefore(container, anchor);
    buildPanel(container);
    return true;
  }

  var KEPT_FOR = 5 * 60 * 1000; // the kept needs list is asked for again after this long

  function stateWanted(who) {
    if (!kept || kept.person !== who || !kept.fetchedAt) return true;
    if (Date.now() - kept.fetchedAt > KEPT_FOR || Date.now() < kept.fetchedAt) return true;
    if (kept.today !== localToday()) return true;
    // Pages where the needs or today's scores change: the check-in and the needs inventory.
    return !!document.querySelector('form[action="' + CHECKIN_URL + '"]') || location.pathname === "/needs/";
  }

  function start() {
    if (location.pathname === GOODBYE_URL) {
      eraseAll();
      return;
    }
    placePanel();
    var offlinePage = document.body.hasAttribute("data-offline-page");
    loadKept().then(function () {
      // Online, the sealed list shows only once the server says its person is still signed in.
      if (!navigator.onLine) {
        if (offlinePage) fillOfflinePage();
        return settleSending().then(render);
      }
      // Who is signed in: the page says (a tag, on every page of a signed-in person). No one: the needs list
      // of whoever was goes at once, and what they wrote waits for them. The server is asked only when it
      // must be: something waits, the list is someone else's, old, of another day, or the page can change it.
      return getAll("waiting").catch(function () { return []; }).then(function (items) {
        var who = document.body.getAttribute("data-person") || null;
        // A page that says nothing of who is signed in (an error page the server built without the request)
        // changes nothing: only a page built for a visitor says no one is.
        if (!offlinePage && !items.length && !who && !document.body.hasAttribute("data-visitor")) return null;
        if (!offlinePage && !items.length && !who) {
          state = { person: null };
          loginNeeded = true;
          kept = null;
          return deleteOne("kept", "state").catch(function () {});
        }
        if (!offlinePage && !items.length && !stateWanted(who)) return null;
        return fetchState().catch(function () { return null; }).then(settleSending);
      }).then(function () {
        if (offlinePage) fillOfflinePage();
        return render();
      }).then(function () { return sendWaiting(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
