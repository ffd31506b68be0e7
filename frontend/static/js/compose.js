// Composer helpers; every form works without this file.
// 1. @mention completion on textarea[data-mentions]: typing "@al" lists matching members (GET /api/v1/mentions,
//    the session cookie authenticates) in a listbox; ArrowUp/ArrowDown move, Enter/Tab complete the handle,
//    Escape closes. The textarea keeps focus (aria-activedescendant points at the highlighted option). It keeps
//    its implicit textbox role: ARIA in HTML allows no role on a textarea (so not combobox), and a textbox does
//    not support aria-expanded; the listbox's own visibility and the status line say when suggestions are shown.
// 2. The kind "announcement" is offered only for destinations marked data-announce.
// 3. A character counter on fields with data-limit (posts/_counted.html), shown from 90% of the limit. The visible
//    count changes with each key but is hidden from screen readers; a polite live region speaks only when the
//    field nears the limit, passes it or comes back under it. Nothing is cut: the server judges the length.
// Fields added later (replies.js) arrive with the event "ruche:fields".
(function () {
  "use strict";
  var URL = "/api/v1/mentions";
  var LIMIT = 8;
  var DELAY_MS = 150;
  var TOKEN = /(?:^|[\s([{,;])@([^\s@]{1,40})$/u;
  var counter = 0;

  function setup(area) {
    counter += 1;
    var id = "mention-list-" + counter;
    var list = document.createElement("ul");
    list.id = id;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", document.documentElement.lang === "fr" ? "Membres à mentionner" : "Members to mention");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    area.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", id);

    var state = { items: [], active: -1, start: -1, timer: null, seq: 0 };

    function close() {
      list.hidden = true;
      list.textContent = "";
      state.items = [];
      state.active = -1;
      area.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      state.active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        area.setAttribute("aria-activedescendant", id + "-" + index);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        area.removeAttribute("aria-activedescendant");
      }
    }

    function show(items) {
      list.textContent = "";
      state.items = items;
      items.forEach(function (member, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "mention-name";
        name.textContent = member.display_name;
        var handle = document.createElement("span");
        handle.className = "mention-handle";
        handle.textContent = "@" + member.handle;
        li.appendChild(name);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(handle);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the textarea
          complete(i);
        });
        list.appendChild(li);
      });
      if (!items.length) {
        close();
        return;
      }
      list.hidden = false;
      highlight(0);
      var fr = document.documentElement.lang === "fr";
      status.textContent = items.length + (fr ? " suggestion(s) ; flèches pour choisir, Entrée pour valider"
        : " suggestion(s); arrows to choose, Enter to pick");
    }

    function complete(index) {
      var member = state.items[index];
      if (!member || state.start < 0) return;
      var caret = area.selectionStart;
      var before = area.value.slice(0, state.start);
      var after = area.value.slice(caret);
      var inserted = "@" + member.handle + " ";
      area.value = before + inserted + after.replace(/^[^\s@]*/u, "").replace(/^ /, "");
      var position = before.length + inserted.length;
      area.setSelectionRange(position, position);
      status.textContent = "@" + member.handle;
      close();
    }

    function lookup() {
      var caret = area.selectionStart;
      if (caret !== area.selectionEnd) return close();
      var match = TOKEN.exec(area.value.slice(0, caret));
      if (!match) return close();
      state.start = caret - match[1].length - 1;
      var seq = ++state.seq;
      fetch(URL + "?limit=" + LIMIT + "&q=" + encodeURIComponent(match[1]), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { items: [] };
      }).then(function (page) {
        if (seq === state.seq && document.activeElement === area) show(page.items || []);
      }).catch(close);
    }

    area.addEventListener("input", function () {
      clearTimeout(state.timer);
      state.timer = setTimeout(lookup, DELAY_MS);
    });
    area.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      var n = state.items.length;
      if (event.key === "ArrowDown") {
        highlight((state.active + 1) % n);
      } else if (event.key === "ArrowUp") {
        highlight((state.active - 1 + n) % n);
      } else if ((event.key === "Enter" || event.key === "Tab") && state.active >= 0) {
        complete(state.active);
      } else if (event.key === "Escape") {
        close();
      } else {
        return;
      }
      event.preventDefault();
    });
    area.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function announcements(form) {
    var target = form.querySelector("select[name=group_id]");
    var kind = form.querySelector("select[name=kind]");
    var option = kind && kind.querySelector("option[value=announcement]");
    if (!target || !option) return;
    function sync() {
      var chosen = target.options[target.selectedIndex];
      var allowed = chosen && chosen.hasAttribute("data-announce");
      option.disabled = !allowed;
      if (!allowed && kind.value === "announcement") kind.value = "discussion";
    }
    target.addEventListener("change", sync);
    sync();
  }

  // Characters as the server counts them (code points: an emoji is one, not two UTF-16 units).
  function length(text) {
    var pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
    return text.length - (pairs ? pairs.length : 0);
  }

  function lengthCounter(field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    if (!limit || field.hasAttribute("data-counted")) return;
    field.setAttribute("data-counted", "");
    var lang = document.documentElement.lang || undefined;
    var shown = document.createElement("p");
    shown.className = "char-count";
    shown.id = (field.id || "field-" + (++lengthCounter.n)) + "-count";
    shown.setAttribute("aria-hidden", "true");
    shown.hidden = true;
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    field.parentNode.appendChild(shown);
    field.parentNode.appendChild(spoken);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + shown.id);
    var zone = "";

    function update() {
      var left = limit - length(field.value);
      var now = left < 0 ? "over" : left <= limit / 10 ? "near" : "";
      var label = field.getAttribute(left < 0 ? "data-count-over" : "data-count-left") || "%(num)s";
      shown.textContent = now ? label.replace("%(num)s", Math.abs(left).toLocaleString(lang)) : "";
      shown.hidden = !now;
      shown.classList.toggle("is-over", now === "over");
      if (now !== zone) spoken.textContent = shown.textContent;
      zone = now;
    }
    field.addEventListener("input", update);
    update();
  }
  lengthCounter.n = 0;

  function enhance(root) {
    root.querySelectorAll("textarea[data-mentions]").forEach(setup);
    root.querySelectorAll("[data-limit]").forEach(lengthCounter);
  }

  enhance(document);
  document.querySelectorAll("form.composer-form").forEach(announcements);
  document.addEventListener("ruche:fields", function (event) { enhance(event.detail); });
})();
