// versus serve: live reload. Injected only by `versus serve`, never into `versus build` output.
// One tab (the holder of a Web Lock) keeps the event stream open and relays events to the
// other tabs over a BroadcastChannel, so many open tabs use one HTTP connection.
//
// Every page knows the published version it was served from; every event carries the version
// it announces. A tab acts on each change once, and when it sees that it missed some (it was
// opened, restored from the back/forward cache or relayed by a new leader meanwhile) it asks
// the server what they meant for its page (`/__versus/since`): reload, or swap stylesheets.
// A stylesheet edit is therefore swapped in, never turned into a reload, however it reaches
// a tab.
(() => {
  "use strict";
  const me = document.currentScript;
  const server = me.dataset.server;
  const fallback = me.dataset.fallback === "1";
  let seen = Number(me.dataset.version || 0); // the last version this page is up to date with
  const KEY = "versus-scroll:" + location.pathname;

  try {
    const saved = sessionStorage.getItem(KEY);
    if (saved) {
      sessionStorage.removeItem(KEY);
      const [x, y] = JSON.parse(saved);
      const go = () => window.scrollTo(x, y);
      if (document.readyState === "complete") go();
      else addEventListener("load", go, { once: true });
    }
  } catch (_) {}

  const here = () => {
    let p = location.pathname;
    if (p.endsWith("/index.html")) p = p.slice(0, -"index.html".length);
    try { return decodeURI(p); } catch (_) { return p; }
  };

  let reloading = false;
  function reload() {
    if (reloading) return;
    reloading = true;
    try { sessionStorage.setItem(KEY, JSON.stringify([scrollX, scrollY])); } catch (_) {}
    location.reload();
  }

  // Swaps stylesheets: `pairs` of (old URL, new URL), applied in the order they were
  // published, so a link follows a chain of renames; equal URLs mean new content, same name.
  // A pair naming a stylesheet this page no longer links does nothing, so applying the same
  // pairs again is harmless.
  function swapCss(pairs) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const was = new URL(link.href, location.href).pathname;
      let path = was;
      let fresh = false;
      for (const [from, to] of pairs) {
        if (path !== from) continue;
        fresh = fresh || from === to;
        path = new URL(to, location.href).pathname;
      }
      if (path !== was || fresh) link.href = path + (fresh ? "?v=" + Date.now() : "");
    }
  }

  // Events were missed: versions after `owed`. The server says what they meant for this page
  // (reload, or stylesheets to swap); the answer covers every version up to its own, so an
  // answer older than an event applied meanwhile is asked again (its swaps must come first).
  let owed = null;
  let asking = false;
  let again = false;
  function owe(since) {
    owed = owed === null ? since : Math.min(owed, since);
  }
  function catchUp() {
    if (owed === null) return;
    if (asking) { again = true; return; }
    asking = true;
    again = false;
    const url = "/__versus/since?server=" + encodeURIComponent(server) + "&version=" + owed +
      "&page=" + encodeURIComponent(here());
    fetch(url, { cache: "no-store" })
      .then((r) => r.json())
      .then((a) => {
        if (reloading || owed === null) return;
        if (a.reload) return reload();
        swapCss(a.css);
        if (a.version >= seen) {
          seen = a.version;
          owed = null;
        } else {
          again = true;
        }
      })
      // The server is away: the stream's next `hello` asks again.
      .catch(() => {})
      .finally(() => {
        asking = false;
        if (again) catchUp();
      });
  }

  function overlay(errors) {
    let box = document.getElementById("versus-overlay");
    if (!errors || errors.length === 0) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "versus-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "background:#2b0b0b;color:#fde8e8;font:14px/1.5 ui-monospace,monospace;padding:1em 1.5em;" +
        "border-top:4px solid #e5484d;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.replaceChildren();
    const title = document.createElement("div");
    title.style.cssText = "font-weight:bold;margin-bottom:.5em";
    title.textContent = "versus: the build failed — showing the last good version of this page";
    box.appendChild(title);
    for (const d of errors) {
      const item = document.createElement("div");
      item.className = "versus-error";
      item.style.cssText = "margin:.5em 0";
      const head = document.createElement("div");
      head.textContent = (d.location ? d.location + ": " : "") + d.message;
      item.appendChild(head);
      if (d.source_line) {
        const pre = document.createElement("pre");
        pre.style.cssText = "margin:.25em 0;padding:.25em .5em;background:#000;color:#fff;white-space:pre-wrap";
        pre.textContent = d.source_line;
        item.appendChild(pre);
      }
      if (d.help) {
        const help = document.createElement("div");
        help.textContent = "help: " + d.help;
        item.appendChild(help);
      }
      box.appendChild(item);
    }
  }

  // For tests and curious authors: is this page receiving events, and does it hold the stream?
  const state = (window.__versus = { connected: false, leader: false });

  function handle(msg) {
    if (reloading) return;
    if (msg.type === "hello") {
      state.connected = true;
      overlay(msg.errors);
      if (msg.server !== server) return reload();
      // A page newer than the greeting (a leader whose stream lags) waits for the events; an
      // older one missed some.
      if (msg.version > seen) {
        owe(seen);
        seen = msg.version;
      }
      catchUp();
    } else if (msg.type === "lost") {
      state.connected = false;
    } else if (msg.type === "errors") {
      overlay(msg.errors);
    } else if (msg.type === "change") {
      if (msg.version <= seen) return; // this page was served after it
      if (msg.version > seen + 1) owe(seen); // and act on this one too
      seen = msg.version;
      overlay([]);
      if (fallback) return reload();
      if (msg.navigate && msg.navigate !== here()) {
        location.href = msg.navigate;
        return;
      }
      if (msg.all || msg.pages.includes(here())) return reload();
      if (msg.css.length) swapCss(msg.css);
      catchUp();
    }
  }

  const LOCK = "versus-live-leader";
  let stream = null;
  let channel = null;
  let abort = null; // cancels a lock request not granted yet
  let release = null; // lets go of the lock once held
  let watch = null; // the follower's look for a stuck lock queue
  let run = 0; // bumped by stop(): callbacks of an earlier start() find it changed
  let last = null; // the leader's latest `hello`, kept current, for tabs that join later

  function openStream(onMessage) {
    stream = new EventSource("/__versus/events");
    for (const type of ["hello", "change", "errors"]) {
      stream.addEventListener(type, (e) => onMessage(JSON.parse(e.data)));
    }
    // The browser reconnects by itself (after `retry`); the next `hello` tells what was missed.
    stream.onerror = () => onMessage({ type: "lost" });
  }

  // The leader relays every event and keeps `last` current for the tabs that ask.
  function lead(msg) {
    if (msg.type === "hello") last = msg;
    else if (last && msg.type === "errors") last = Object.assign({}, last, { errors: msg.errors });
    else if (last && msg.type === "change") last = Object.assign({}, last, { version: msg.version, errors: [] });
    if (channel) channel.postMessage(msg);
    handle(msg);
  }

  function start() {
    const mine = ++run;
    if (!("BroadcastChannel" in window) || !navigator.locks || !window.AbortController) {
      openStream(handle);
      return;
    }
    channel = new BroadcastChannel("versus-live");
    channel.onmessage = (e) => {
      if (mine !== run) return;
      if (e.data.type === "ask") {
        if (state.leader && last) channel.postMessage(last);
      } else {
        handle(e.data);
      }
    };
    channel.postMessage({ type: "ask" });
    request(false);
    if (navigator.locks.query) watch = setInterval(unstick, 3000);
  }

  // Waits for the lock (or, with `steal`, takes it) and then leads until stop().
  function request(steal) {
    const mine = run;
    abort = new AbortController();
    navigator.locks.request(LOCK, steal ? { steal: true } : { signal: abort.signal }, () => {
      if (mine !== run) return undefined; // stopped meanwhile: let the lock go at once
      state.leader = true;
      openStream(lead);
      return new Promise((resolve) => { release = resolve; });
    }).catch(() => {
      // Aborted by stop() (nothing to do), or stolen from this leader: follow, and queue again.
      if (mine !== run || !state.leader) return;
      state.leader = false;
      release = null;
      if (stream) { stream.close(); stream = null; }
      request(false);
    });
  }

  // Chromium can leave the lock queue stuck, the lock held by no one and every request
  // waiting: when a page restored from the back/forward cache asks for the lock too early, or
  // when the leader was frozen holding it. A follower that sees this takes the lock.
  function unstick() {
    if (state.leader) return;
    const mine = run;
    navigator.locks.query().then((s) => {
      const held = s.held.some((l) => l.name === LOCK);
      const waiting = s.pending.some((l) => l.name === LOCK);
      if (mine !== run || state.leader || held || !waiting) return;
      abort.abort();
      request(true);
    }).catch(() => {});
  }

  function stop() {
    run++;
    state.connected = false;
    state.leader = false;
    if (watch) { clearInterval(watch); watch = null; }
    if (stream) { stream.close(); stream = null; }
    if (abort) { abort.abort(); abort = null; }
    if (release) { release(); release = null; }
    if (channel) { channel.close(); channel = null; }
    last = null;
  }

  // Leave no open stream or lock behind a page in the back/forward cache; start again when it
  // comes back (its `hello` then says whether it missed a change). Not from within `pageshow`:
  // a lock requested there can stall Chromium's lock queue for every tab.
  addEventListener("pagehide", stop);
  addEventListener("pageshow", (e) => { if (e.persisted) setTimeout(start, 0); });
  start();
})();
