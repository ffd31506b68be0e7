// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // The member menu is a <details>: close it on Escape or a click elsewhere, as menus usually do.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.member-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.member-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  // Forms marked data-confirm ask before a destructive action (deactivating an account).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
