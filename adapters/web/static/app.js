// The help page's live layer. Without it the page still works: the forms
// post and the page reloads. With it, replies arrive over server-sent events
// and messages are sent without leaving the page. Text is only ever set with
// textContent, never as HTML.
"use strict";

// Set once per page load: a reload or navigation makes a new one.
window.sellerdeskPageID = Math.random().toString(36).slice(2);

(function () {
  var thread = document.getElementById("thread");
  if (!thread) {
    return; // the verify form: nothing live to do
  }
  var empty = document.getElementById("empty");
  var live = document.getElementById("live");
  var errorBox = document.getElementById("error");
  var notice = document.getElementById("notice");
  var form = document.getElementById("compose");
  var text = document.getElementById("text");
  var count = document.getElementById("count");
  var send = document.getElementById("send");
  var shop = thread.getAttribute("data-shop") || "Shop";
  var maxBytes = parseInt(count.getAttribute("data-max"), 10) || 4096;
  var known = {};

  function localize(el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d.getTime())) {
      return;
    }
    el.title = el.textContent;
    el.textContent = d.toLocaleString(undefined, {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
    });
  }

  Array.prototype.forEach.call(thread.querySelectorAll("time"), localize);
  Array.prototype.forEach.call(thread.querySelectorAll("li[data-id]"), function (li) {
    known[li.getAttribute("data-id")] = true;
  });

  function show(el, msg) {
    el.textContent = msg || "";
    el.hidden = !msg;
  }

  function add(m) {
    if (!m || !m.id || known[m.id]) {
      return;
    }
    known[m.id] = true;
    var mine = m.from === "buyer";
    var li = document.createElement("li");
    li.className = "msg " + (mine ? "buyer" : "staff") + " new";
    li.setAttribute("data-id", String(m.id));
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = m.text;
    var meta = document.createElement("div");
    meta.className = "meta";
    meta.appendChild(document.createTextNode((mine ? "You" : shop) + " · "));
    var time = document.createElement("time");
    time.setAttribute("datetime", m.at);
    time.textContent = m.at_text;
    localize(time);
    meta.appendChild(time);
    li.appendChild(bubble);
    li.appendChild(meta);
    thread.appendChild(li);
    empty.hidden = true;
    if (!mine) {
      show(notice, "");
    }
    li.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  if (window.EventSource) {
    var es = new EventSource("/events?after=" + encodeURIComponent(thread.getAttribute("data-after") || "0"));
    es.onmessage = function (e) {
      try {
        add(JSON.parse(e.data));
      } catch (_) {
        // a malformed event is skipped; the next poll brings the rest
      }
    };
    es.onopen = function () {
      show(live, "");
      thread.setAttribute("data-live", "on");
    };
    es.onerror = function () {
      thread.setAttribute("data-live", "off");
      // EventSource reconnects by itself unless the server refused it.
      show(live, es.readyState === EventSource.CLOSED
        ? "Live updates stopped. Reload the page to see new replies."
        : "Reconnecting…");
    };
  }

  function updateCount() {
    if (!window.TextEncoder) {
      return;
    }
    var n = new TextEncoder().encode(text.value).length;
    count.textContent = n + " / " + maxBytes + " bytes";
    count.classList.toggle("over", n > maxBytes);
  }
  text.addEventListener("input", updateCount);

  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && form.requestSubmit) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener("submit", function (e) {
    if (!window.fetch || !window.URLSearchParams || !window.FormData) {
      return; // the plain form post
    }
    e.preventDefault();
    send.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (j) {
        return { ok: r.ok, body: j };
      }, function () {
        return { ok: false, body: { error: "Sorry, something went wrong. Reload the page and try again." } };
      });
    }).then(function (res) {
      send.disabled = false;
      if (!res.ok) {
        show(errorBox, res.body.error);
        text.setAttribute("aria-invalid", res.body.field === "text" ? "true" : "false");
        return;
      }
      show(errorBox, "");
      text.removeAttribute("aria-invalid");
      add(res.body.message);
      text.value = "";
      updateCount();
      show(notice, "Message sent. We usually reply within 24 hours — the answer will appear on this page.");
    }, function () {
      // The request never reached the server: send the form the plain way.
      send.disabled = false;
      form.submit();
    });
  });
})();
