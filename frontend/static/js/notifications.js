// The header bell: unread count, a dropdown of the latest unread entries (keyboard: Enter/Space open it,
// Escape closes it and returns focus), marking read through the CSRF-protected form /notifications/read.
// The entries are the server's HTML (/notifications/latest: the page's sentences, grouped, in the member's
// language and time zone); following one reads it. The count follows "notification.created" events that
// live.js re-dispatches as "ruche:live".
(function () {
  "use strict";
  var root = document.querySelector("[data-notifications]");
  if (!root || !window.fetch) return;
  var button = root.querySelector("#notif-button");
  var panel = root.querySelector("#notif-panel");
  var list = root.querySelector("[data-notif-list]");
  var countNode = root.querySelector("[data-unread-count]");
  var readForm = root.querySelector("[data-notif-read]");

  button.setAttribute("role", "button");
  button.setAttribute("aria-haspopup", "true");

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;

  function unreadLabel(n) {
    var form = plural ? plural.select(n) : (n === 1 ? "one" : "other");
    return (form === "one" ? root.dataset.unreadOne : root.dataset.unreadOther).replace("{n}", String(n));
  }

  function showCount(n) {
    countNode.hidden = n === 0;
    countNode.textContent = n > 99 ? "99+" : String(n);
    // "Notifications, 3 unread", not in parentheses: the visible count must be part of the name (WCAG 2.5.3),
    // and name checks such as axe's ignore what is in parentheses.
    button.setAttribute("aria-label", root.querySelector(".visually-hidden").textContent +
      (n ? ", " + unreadLabel(n).replace(String(n), countNode.textContent) : ""));
  }

  function refreshCount() {
    return getJSON("/api/v1/notifications/unread_count").then(function (body) { showCount(body.unread); })
      .catch(function () {});
  }

  function loadLatest() {
    return fetch("/notifications/latest", { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) {
        if (!r.ok || r.redirected) throw new Error(String(r.status));  // signed out: the sign-in page is no list
        return r.text();
      })
      .then(function (html) { list.innerHTML = html; })  // the server's escaped fragment, same origin
      .catch(function () {});
  }

  function markRead(ids) {
    var data = new FormData(readForm);
    data.set("ids", ids.join(","));
    data.set("all", ids.length ? "false" : "true");
    return fetch(readForm.action, {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(refreshCount).catch(function () {});
  }

  function open() {
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    loadLatest();
  }

  function close(focus) {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (focus) button.focus();
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    if (panel.hidden) open(); else close(false);
  });
  button.addEventListener("keydown", function (event) {
    if (event.key === " ") { event.preventDefault(); button.click(); }
  });
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) close(true);
  });
  document.addEventListener("click", function (event) {
    if (!panel.hidden && !root.contains(event.target)) close(false);
  });
  readForm.addEventListener("submit", function (event) {
    event.preventDefault();
    markRead([]).then(loadLatest);
  });
  document.addEventListener("ruche:live", function (event) {
    if (event.detail.type === "notification.created") {
      refreshCount();
      if (!panel.hidden) open();
    }
  });

  refreshCount();
})();
