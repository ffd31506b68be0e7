// The header bell: unread count, a dropdown of the latest notifications (keyboard: Enter/Space open it,
// Escape closes it and returns focus), marking read through the CSRF-protected form /notifications/read.
// The count follows "notification.created" events that live.js re-dispatches as "ruche:live".
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

  function showCount(n) {
    countNode.hidden = n === 0;
    countNode.textContent = n > 99 ? "99+" : String(n);
    // "Notifications, 3 unread", not in parentheses: the visible count must be part of the name (WCAG 2.5.3),
    // and name checks such as axe's ignore what is in parentheses.
    button.setAttribute("aria-label", root.querySelector(".visually-hidden").textContent +
      (n ? ", " + root.dataset.unreadLabel.replace("%(num)s", countNode.textContent) : ""));
  }

  function refreshCount() {
    return getJSON("/api/v1/notifications/unread_count").then(function (body) { showCount(body.unread); })
      .catch(function () {});
  }

  function sentence(n) {
    var text = root.dataset["text-" + n.kind] || root.getAttribute("data-text-" + n.kind) || n.kind;
    return text.replace("%(name)s", n.actor ? n.actor.display_name : "Ruche");
  }

  function render(items) {
    list.textContent = "";
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = root.dataset.emptyLabel;
      list.appendChild(empty);
      return;
    }
    items.forEach(function (n) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/notifications/" + n.id + "/open";
      a.textContent = sentence(n);
      a.dataset.id = String(n.id);
      li.appendChild(a);
      list.appendChild(li);
    });
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
    getJSON("/api/v1/notifications?unread=true&limit=10").then(function (page) { render(page.items); })
      .catch(function () {});
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
  list.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-id]") : null;
    if (!link) return;
    event.preventDefault();
    markRead([Number(link.dataset.id)]).then(function () { location.href = link.href; });
  });
  readForm.addEventListener("submit", function (event) {
    event.preventDefault();
    markRead([]).then(function () { render([]); });
  });
  document.addEventListener("ruche:live", function (event) {
    if (event.detail.type === "notification.created") {
      refreshCount();
      if (!panel.hidden) open();
    }
  });

  refreshCount();
})();
