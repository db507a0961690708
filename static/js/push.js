// Settings page: turn on push notifications on this device. Without JavaScript or push support the page says
// so and reminders keep coming by email; removing a device and the test notification are plain forms.
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function registration() {
    // The site's service worker (/sw.js) takes push events; register it if this page is the first to need it.
    return navigator.serviceWorker.getRegistration("/").then(function (found) {
      return found || navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }).then(function () {
      return navigator.serviceWorker.ready;
    });
  }

  function start() {
    var controls = document.getElementById("push-controls");
    var status = document.getElementById("push-status");
    var button = document.getElementById("push-enable");
    if (!controls || !status || !button) return;
    var say = function (text) { status.textContent = text; };

    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      say("This browser can’t show notifications from Attune. Your reminders come by email.");
      return;
    }
    if (Notification.permission === "denied") {
      say("Notifications from Attune are blocked in this browser’s settings. Allow them there to turn them on " +
        "here; meanwhile your reminders come by email.");
      return;
    }
    say("You can get your reminders as notifications on this device.");
    button.hidden = false;

    button.addEventListener("click", function () {
      button.disabled = true;
      say("Asking your browser…");
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw new Error("permission");
        return registration();
      }).then(function (ready) {
        return ready.pushManager.getSubscription().then(function (existing) {
          return existing || ready.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(controls.getAttribute("data-key")),
          });
        });
      }).then(function (subscription) {
        var meta = document.querySelector('meta[name="csrf-token"]');
        return fetch(controls.getAttribute("data-subscribe-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": meta ? meta.getAttribute("content") : "" },
          body: JSON.stringify(subscription.toJSON()),
        });
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) throw new Error(answer.error || "server");
          window.location.assign(answer.next || window.location.href);
        });
      }).catch(function (error) {
        button.disabled = false;
        if (error && error.message === "permission") {
          say("Notifications weren’t allowed, so nothing changed. Your reminders come by email.");
        } else if (error && error.message && error.message !== "server" && error.name === "Error") {
          say(error.message);
        } else {
          say("Notifications couldn’t be turned on just now. Try again in a moment; your reminders come by email meanwhile.");
        }
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
