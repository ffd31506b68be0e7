// Folded long posts in feeds. Without this file a folded card shows its first lines (CSS) and a "Read more" link
// to the post page. With it, the link becomes a button that unfolds the post in place (aria-expanded, aria-controls)
// and folds it again ("Show less"); focus entering a folded body (a link hidden under the fold) unfolds it too.
// Cards inserted later (live updates, "load more") are upgraded as they arrive.
(function () {
  "use strict";

  function upgrade(link) {
    var body = document.getElementById(link.getAttribute("data-fold"));
    if (!body) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.setAttribute("aria-controls", body.id);
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("data-more-html", link.innerHTML);
    button.setAttribute("data-less-label", link.getAttribute("data-less-label") || "");
    button.innerHTML = link.innerHTML;
    link.replaceWith(button);
  }

  function set(button, open) {
    var body = document.getElementById(button.getAttribute("aria-controls"));
    if (!body) return;
    body.classList.toggle("is-folded", !open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      button.textContent = button.getAttribute("data-less-label");
    } else {
      button.innerHTML = button.getAttribute("data-more-html");
    }
  }

  function upgradeAll(root) {
    if (root.querySelectorAll) root.querySelectorAll("a[data-fold]").forEach(upgrade);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-more-html]") : null;
    if (!button) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    set(button, open);
    if (!open) {
      // Folding again: keep the card's top in view rather than leaving the reader far below it.
      var card = button.closest("article");
      if (card && card.getBoundingClientRect().top < 0) card.scrollIntoView({ block: "start" });
    }
  });

  document.addEventListener("focusin", function (event) {
    var body = event.target.closest ? event.target.closest(".post-body.is-folded") : null;
    if (!body) return;
    var button = document.querySelector("button[aria-controls='" + body.id + "']");
    if (button) set(button, true);
  });

  upgradeAll(document);
  if (window.MutationObserver) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) { change.addedNodes.forEach(upgradeAll); });
    }).observe(document.body, { childList: true, subtree: true });
  }
})();
