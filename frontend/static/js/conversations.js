// Reactions, "Save", who reacted and "load more" in place; without this file all are plain forms and links.
// - form.reaction-form: posted with fetch (the form carries its CSRF field; Accept: application/json gets
//   {reaction_count, my_reaction}); the button's aria-pressed, the hidden state and the count beside the form
//   ([data-reaction-count] in the same .post-actions / .comment-actions, hidden at 0) follow.
// - form.save-form: the same, answered {saved}.
// - a[data-reactors]: the count; opens who reacted (the /posts/{id}/reactions page's [data-reactors-list]) in a
//   modal <dialog>, which returns focus to the count when closed.
// - a[data-load-more]: fetches the next page, appends its cards to #feed (skipping any already shown, e.g. inserted
//   live meanwhile), replaces the pager and moves focus to the first new card.
(function () {
  "use strict";

  function say(text) {
    var status = document.querySelector("[data-feed-status]");
    if (status) status.textContent = text;
  }

  // A toggle form (Like, Save) posted with fetch: `apply(form, button, state)` shows the JSON answer; any failure
  // falls back to the plain form, whose page the server answers.
  function toggleForm(className, apply) {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains(className) || !window.fetch) return;
      event.preventDefault();
      var button = form.querySelector("button");
      if (button.getAttribute("aria-busy") === "true") return;
      button.setAttribute("aria-busy", "true");
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      }).then(function (state) {
        apply(form, button, state);
      }).catch(function () {
        form.submit();
      }).then(function () {
        button.removeAttribute("aria-busy");
      });
    });
  }

  toggleForm("reaction-form", function (form, button, state) {
    var on = state.my_reaction !== null;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    form.querySelector("input[name=state]").value = on ? "off" : "on";
    var actions = form.closest(".post-actions, .comment-actions") || form;
    var count = actions.querySelector("[data-reaction-count]");
    if (count) {
      count.textContent = String(state.reaction_count);
      // The link to who reacted is hidden while nobody has reacted; the first Like shows it.
      var link = count.closest("a[data-reactors]");
      if (link) link.hidden = state.reaction_count === 0;
    }
  });

  toggleForm("save-form", function (form, button, state) {
    button.setAttribute("aria-pressed", state.saved ? "true" : "false");
    form.querySelector("input[name=state]").value = state.saved ? "off" : "on";
  });

  var dialog = null;

  function reactorsDialog() {
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "reactors-dialog";
    dialog.setAttribute("aria-labelledby", "reactors-title");
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target.closest("[data-dialog-close]")) dialog.close();
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-reactors]") : null;
    if (!link || !window.fetch || !window.DOMParser || !window.HTMLDialogElement) return;
    event.preventDefault();
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      var list = new DOMParser().parseFromString(html, "text/html").querySelector("[data-reactors-list]");
      if (!list) throw new Error("no list");
      var box = reactorsDialog();
      box.textContent = "";
      var close = document.createElement("button");
      close.type = "button";
      close.className = "link-button dialog-close";
      close.setAttribute("data-dialog-close", "");
      close.textContent = link.getAttribute("data-close-label") || "×";
      box.appendChild(document.importNode(list, true));
      box.appendChild(close);
      box.onclose = function () { link.focus(); };
      box.showModal();
      close.focus();
    }).catch(function () {
      window.location.href = link.href;
    });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-load-more]") : null;
    var feed = document.getElementById("feed");
    if (!link || !feed || !window.fetch || !window.DOMParser) return;
    event.preventDefault();
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var next = page.querySelector("a[data-load-more]");
      var first = null;
      page.querySelectorAll("#feed > .post-card").forEach(function (card) {
        if (document.getElementById(card.id)) return;
        var node = document.importNode(card, true);
        feed.appendChild(node);
        first = first || node;
      });
      if (next) {
        link.href = next.getAttribute("href");
        link.removeAttribute("aria-busy");
      } else {
        link.remove();
      }
      say(link.getAttribute("data-loaded-label") || "");
      if (first) first.focus();
    }).catch(function () {
      window.location.href = link.href;
    });
  });
})();
