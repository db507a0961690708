// Push notifications, loaded by the site's service worker (/sw.js) with importScripts.
//
// A push from Attune carries only its kind ("daily", "weekly", "pause_check_back", "test"), never anything the
// person wrote nor the names of their needs (journal/services/push.py). The words and the page to open are
// chosen here from the kind. The paths are the app's own (home, journal:weekly_review, needs:relationships,
// journal:settings); tests/journal/test_push.py checks they still resolve.
(function () {
  "use strict";

  var ICON = "/static/icons/icon-192.png";

  var KINDS = {
    daily: {
      title: "A few quiet minutes for you",
      body: "Your journal is here when you are ready: a check-in or a line or two.",
      url: "/",
    },
    weekly: {
      title: "Your week, when you have a moment",
      body: "Look back over the week gently, and notice what helped.",
      url: "/insights/week/",
    },
    pause_check_back: {
      title: "A check-back you planned",
      body: "Today is the day you chose to look again at a relationship you paused.",
      url: "/needs/relationships/",
    },
    test: {
      title: "Notifications are working",
      body: "This is how Attune’s reminders will arrive on this device.",
      url: "/settings/#devices",
    },
  };

  function kindOf(event) {
    var kind = "daily";
    try {
      var data = event.data ? event.data.json() : null;
      if (data && Object.prototype.hasOwnProperty.call(KINDS, data.kind)) kind = data.kind;
    } catch (error) {
      // An unreadable payload still shows the plainest reminder rather than nothing (userVisibleOnly).
    }
    return kind;
  }

  self.addEventListener("push", function (event) {
    var kind = kindOf(event);
    var shown = KINDS[kind];
    event.waitUntil(
      self.registration.showNotification("Attune: " + shown.title, {
        body: shown.body,
        icon: ICON,
        badge: ICON,
        tag: "attune-" + kind,
        data: { url: shown.url },
      })
    );
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var url = (event.notification.data && event.notification.data.url) || "/";
    var target = new URL(url, self.location.origin).href;
    event.waitUntil(
      self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
        // A tab already on that page comes forward. Any other Attune tab is left where it is (it may hold
        // unsaved words); the page opens in a new one.
        for (var i = 0; i < windows.length; i++) {
          if (windows[i].url === target && "focus" in windows[i]) return windows[i].focus();
        }
        return self.clients.openWindow ? self.clients.openWindow(target) : undefined;
      })
    );
  });
})();
