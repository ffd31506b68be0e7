/* Header search box: suggestions of people and groups as you type (ARIA 1.2 combobox with a listbox popup).
   Without JavaScript the box is a plain GET form to /search. No inline script (CSP); text is set with
   textContent only, never parsed as HTML. */
(function () {
  "use strict";
  var input = document.getElementById("search-box-input");
  if (!input) { return; }
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var status = document.getElementById("search-box-status");
  var form = input.form;
  var url = input.getAttribute("data-suggest-url");
  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 2;
  var timer = null;
  var inflight = null;
  var options = [];
  var active = -1;
  var lastQuery = "";

  function label(name) { return input.getAttribute("data-label-" + name) || ""; }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function open() {
    if (!options.length) { close(); return; }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function setActive(index) {
    options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function option(id, title, kind, href) {
    var li = document.createElement("li");
    li.id = id;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    li.className = "search-suggestion";
    li.dataset.href = href;
    var name = document.createElement("span");
    name.className = "search-suggestion-title";
    name.textContent = title;
    li.appendChild(name);
    if (kind) {
      var badge = document.createElement("span");
      badge.className = "search-suggestion-kind";
      badge.textContent = kind;
      li.appendChild(badge);
    }
    li.addEventListener("mousedown", function (event) { event.preventDefault(); });
    li.addEventListener("click", function () { go(li); });
    return li;
  }

  function render(items, query) {
    list.textContent = "";
    options = items.map(function (item, i) {
      var kind = item.type === "user" ? label("person") : label("group");
      return option("search-box-opt-" + i, item.title, kind, item.url);
    });
    var all = option("search-box-opt-all", label("all").replace("{q}", query), "", "");
    all.classList.add("search-suggestion-all");
    options.push(all);
    options.forEach(function (li) { list.appendChild(li); });
    active = -1;
    open();
    status.textContent = items.length ? items.length + " · " + label("count") : "";
  }

  function go(li) {
    if (li.dataset.href) {
      window.location.assign(li.dataset.href);
    } else {
      close();
      form.submit();
    }
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query.length < MIN_CHARS || query.length > 256) { options = []; close(); return; }
    if (query === lastQuery && options.length) { open(); return; }
    lastQuery = query;
    if (inflight) { inflight.abort(); }
    inflight = new AbortController();
    fetch(url + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin", headers: { "Accept": "application/json" }, signal: inflight.signal
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (body) {
      if (input.value.trim() === query) { render(body.items || [], query); }
    }).catch(function () { /* offline, rate limited or aborted: the form still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
  });

  input.addEventListener("keydown", function (event) {
    var expanded = input.getAttribute("aria-expanded") === "true";
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!expanded) { fetchSuggestions(); open(); return; }
      setActive(active + 1 < options.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (expanded) { setActive(active > 0 ? active - 1 : options.length - 1); }
    } else if (event.key === "Enter") {
      if (expanded && active >= 0) { event.preventDefault(); go(options[active]); }
    } else if (event.key === "Escape") {
      if (expanded) { event.preventDefault(); close(); } else { input.value = ""; }
    } else if (event.key === "Tab") {
      close();
    }
  });

  input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  input.addEventListener("focus", function () { if (options.length && input.value.trim() === lastQuery) { open(); } });
})();
