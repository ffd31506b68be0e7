// Replies in place. Without this file, "Reply" is a link to the comment form at the end of the page, set to answer
// that comment (?reply=ID#comment-form). With it, the link opens a reply form under the comment (a copy of
// #reply-template), focuses its text field without scrolling the page, and "Cancel" (or Escape) closes it and
// gives the focus back to the link. compose.js is told (event "ruche:fields") so the new field gets its
// mention completion and character counter.
(function () {
  "use strict";
  var template = document.getElementById("reply-template");
  if (!template || !template.content) return;

  function close(form, link) {
    form.remove();
    link.setAttribute("aria-expanded", "false");
    link.focus({ preventScroll: true });
  }

  function open(link) {
    var id = link.getAttribute("data-reply-to");
    var formId = "reply-form-" + id;
    var form = document.getElementById(formId);
    if (!form) {
      form = template.content.firstElementChild.cloneNode(true);
      form.id = formId;
      form.querySelector("input[name=parent_id]").value = id;
      var area = form.querySelector("textarea");
      area.id = "reply-" + id;
      var label = form.querySelector("label");
      label.htmlFor = area.id;
      label.textContent = link.getAttribute("data-reply-label");
      form.querySelector("[data-reply-cancel]").addEventListener("click", function () { close(form, link); });
      form.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && !event.defaultPrevented) close(form, link);
      });
      link.closest("footer").insertAdjacentElement("afterend", form);
      link.setAttribute("aria-controls", formId);
      document.dispatchEvent(new CustomEvent("ruche:fields", { detail: form }));
    }
    link.setAttribute("aria-expanded", "true");
    form.querySelector("textarea").focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-reply-to]") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    open(link);
  });
})();
