// A small poller shared by the live pages (no inline scripts, no server-sent events): fetches a
// page's JSON every few seconds and hands it to the page's renderer; a failed poll is tried again
// at the next tick, so a phone that loses its signal for a moment catches up by itself.
'use strict';

window.shouhuLive = function (url, render, everyMs) {
  var busy = false;
  function poll() {
    if (busy) { return; }
    busy = true;
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { render(data); } })
      .catch(function () { /* offline for a moment: the next tick tries again */ })
      .then(function () { busy = false; });
  }
  return window.setInterval(poll, everyMs || 5000);
};

// An element with the text and class given, for renderers building rows (textContent: never HTML).
window.shouhuEl = function (tag, text, cls) {
  var e = document.createElement(tag);
  if (text !== undefined && text !== null) { e.textContent = String(text); }
  if (cls) { e.className = cls; }
  return e;
};
