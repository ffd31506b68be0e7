// Live updates over the websocket /api/v1/live (cookie auth; config in #live-config data- attributes).
// - Reconnects with exponential backoff and replays with ?since=<last id> (kept in sessionStorage) and the page's
//   outbox epoch; a {"type": "reload"} answer (the database was restored: ids count anew) reloads the page.
// - Feeds (#feed[data-feed="home"|"group:ID"|"member:ID"|"topic:NAME"]): for each new post the server is asked for
//   its card in this feed (/fragments/posts/{id}?feed=..., 204 when the post is not in it: the server's feed rule
//   decides, never this script); accepted cards wait under a "N new posts" bar (aria-live polite) and a click
//   inserts them at the top.
// - Post page (#comments[data-post-id]): new and edited comments (from /fragments/comments/{id}) and counts in place.
// - Other scripts listen to the "ruche:live" DOM event (notifications.js updates the bell).
(function () {
  "use strict";
  var config = document.getElementById("live-config");
  if (!config || !window.WebSocket || !window.fetch) return;

  var STORE = "ruche.live.last";
  var MIN_DELAY = 1000, MAX_DELAY = 30000;
  var delay = MIN_DELAY, socket = null;
  var pending = [], asked = {}; // cards accepted for this feed, not shown yet; ids already asked for
  var feed = document.getElementById("feed");
  var comments = document.getElementById("comments");
  var bar = document.querySelector("[data-live-bar]");
  var showButton = bar ? bar.querySelector("[data-live-show]") : null;

  if (feed && bar) feed.parentNode.insertBefore(bar, feed);
  // The page shows everything up to data-since: replay from there (not from an older page's position).
  if (/^\d+$/.test(config.dataset.since || "")) sessionStorage.setItem(STORE, config.dataset.since);

  function lastId() {
    var value = Number(sessionStorage.getItem(STORE));
    return value > 0 ? value : null;
  }

  function remember(id) {
    if (typeof id === "number" && id > (lastId() || 0)) sessionStorage.setItem(STORE, String(id));
  }

  function connect() {
    var since = lastId();
    var epoch = config.dataset.epoch;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.dataset.liveUrl +
      (since ? "?since=" + since + (epoch ? "&epoch=" + encodeURIComponent(epoch) : "") : "");
    socket = new WebSocket(url);
    socket.onopen = function () { delay = MIN_DELAY; };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (!event || typeof event.type !== "string" || event.type === "ping" || event.type === "pong") return;
      if (event.type === "reload") { // our position counts in another history (a restored database): start afresh
        sessionStorage.removeItem(STORE);
        location.reload();
        return;
      }
      remember(event.id);
      handle(event);
      document.dispatchEvent(new CustomEvent("ruche:live", { detail: event }));
    };
    socket.onclose = function (close) {
      socket = null;
      if (close.code === 4401 || close.code === 4403) return; // signed out: reloading shows the sign-in page
      setTimeout(connect, delay + Math.random() * delay / 2);
      delay = Math.min(delay * 2, MAX_DELAY);
    };
  }

  function handle(event) {
    if (event.type === "post.created") return newPost(event.post);
    if (event.type === "post.deleted") return removePost(event.post_id);
    if (event.type === "comment.created") return newComment(event.comment, event.comment_count);
    if (event.type === "comment.updated") return updateComment(event.comment);
    if (event.type === "comment.deleted") return removeComment(event);
    if (event.type === "reaction.changed") return setReactions(event);
  }

  // Feeds

  function newPost(post) {
    if (!feed || !showButton || !post || !feed.dataset.feed) return;
    if (asked[post.id] || document.getElementById("post-" + post.id)) return;
    asked[post.id] = true;
    var url = "/fragments/posts/" + post.id + "?feed=" + encodeURIComponent(feed.dataset.feed);
    fragment(url).then(function (card) {
      if (!card || !asked[post.id] || document.getElementById(card.id)) return; // not in this feed, or deleted
      pending.push({ id: post.id, card: card });
      updateBar();
    });
  }

  function updateBar() {
    var n = pending.length;
    showButton.textContent = n === 0 ? "" : n === 1 ? config.dataset.newOne : config.dataset.newMany.replace("%(num)s", n);
    showButton.hidden = n === 0;
  }

  function removePost(postId) {
    delete asked[postId];
    var before = pending.length;
    pending = pending.filter(function (item) { return item.id !== postId; });
    if (showButton && pending.length !== before) updateBar();
    removeNode("post-" + postId, !!comments);
  }

  function fragment(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } }).then(function (r) {
      if (!r.ok) return null; // deleted meanwhile, or no longer visible: skip it
      return r.text().then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        return template.content.firstElementChild;
      });
    });
  }

  function showPending() {
    var cards = pending.slice().sort(function (a, b) { return b.id - a.id; });
    pending = [];
    updateBar();
    var first = null, anchor = feed.firstElementChild;
    cards.forEach(function (item) {
      if (document.getElementById(item.card.id)) return;
      feed.insertBefore(item.card, anchor);
      first = first || item.card;
    });
    var empty = feed.querySelector("[data-feed-empty]");
    if (first && empty) empty.remove();
    if (first) first.focus();
    var status = document.querySelector("[data-feed-status]");
    if (status) status.textContent = config.dataset.inserted;
  }

  if (showButton) showButton.addEventListener("click", showPending);

  // Post page and counts everywhere

  function setCount(root, selector, value) {
    if (!root || typeof value !== "number") return;
    root.querySelectorAll(selector).forEach(function (node) { node.textContent = String(value); });
  }

  function postCounts(postId, commentCount) {
    setCount(document.getElementById("post-" + postId), ".post-actions [data-comment-count]", commentCount);
    if (comments && comments.dataset.postId === String(postId)) {
      setCount(comments.querySelector("h2"), "[data-comment-count]", commentCount);
    }
  }

  function newComment(comment, count) {
    postCounts(comment.post_id, count);
    if (!comments || comments.dataset.postId !== String(comment.post_id)) return;
    if (document.getElementById("comment-" + comment.id)) return;
    fragment("/fragments/comments/" + comment.id).then(function (item) {
      if (!item || document.getElementById(item.id)) return;
      // A reply goes into its comment's list of replies (ol#replies-ID), a comment at the end of the thread.
      var list = (comment.parent_id && document.getElementById("replies-" + comment.parent_id)) ||
        document.getElementById("comments-list");
      list.appendChild(item);
      var empty = comments.querySelector("[data-comments-empty]");
      if (empty) empty.remove();
    });
  }

  function updateComment(comment) {
    // An edit: the comment's head (its "edited" mark) and text are replaced by the server's rendering; its
    // actions are left alone, so a reply being typed under it is kept.
    var node = comment && document.getElementById("comment-" + comment.id);
    var shown = node && node.querySelector(":scope > article.comment");
    if (!shown) return;
    fragment("/fragments/comments/" + comment.id).then(function (item) {
      var fresh = item && item.querySelector(":scope > article.comment");
      if (!fresh) return;
      [".comment-head", ".comment-body"].forEach(function (part) {
        var old = shown.querySelector(":scope > " + part), now = fresh.querySelector(":scope > " + part);
        if (old && now) old.parentNode.replaceChild(now, old);
      });
    });
  }

  function removeComment(event) {
    removeNode("comment-" + event.comment_id, false);
    postCounts(event.post_id, event.comment_count);
  }

  function removeNode(id, keep) {
    var node = document.getElementById(id);
    if (node && !keep) node.remove();
  }

  function setReactions(event) {
    var id = event.comment_id ? "comment-" + event.comment_id : "post-" + event.post_id;
    var node = document.getElementById(id);
    if (!node) return;
    var scope = event.comment_id ? node.querySelector(".comment-actions") : node.querySelector(".post-actions");
    setCount(scope, "[data-reaction-count]", event.reaction_count);
    var link = scope && scope.querySelector("a[data-reactors]");
    if (link && typeof event.reaction_count === "number") link.hidden = event.reaction_count === 0;
  }

  connect();
})();
