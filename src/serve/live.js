// versus serve: live reload. Injected only by `versus serve`, never into `versus build` output.
// One tab (the holder of a Web Lock) keeps the event stream open and relays events to the
// other tabs over a BroadcastChannel, so many open tabs use one HTTP connection.
(() => {
  "use strict";
  const me = document.currentScript;
  const server = me.dataset.server;
  const etag = me.dataset.etag;
  const fallback = me.dataset.fallback === "1";
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

  // After a (re)connect: reload once if this page is not what the server now serves.
  function checkFresh() {
    fetch(location.href, { method: "HEAD", cache: "no-store" })
      .then((r) => { if (r.headers.get("ETag") !== etag) reload(); })
      .catch(() => {});
  }

  function swapCss(pairs) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      for (const [from, to] of pairs) {
        if (url.pathname !== from) continue;
        const next = new URL(to, location.href);
        if (from === to) next.search = "?v=" + Date.now();
        link.href = next.pathname + next.search;
      }
    }
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

  // For tests and curious authors: is this page receiving events?
  const state = (window.__versus = { connected: false });

  function handle(msg) {
    if (msg.type === "hello") {
      state.connected = true;
      overlay(msg.errors);
      if (msg.server !== server) reload();
      else checkFresh();
    } else if (msg.type === "errors") {
      overlay(msg.errors);
    } else if (msg.type === "change") {
      overlay([]);
      if (fallback) return reload();
      if (msg.navigate && msg.navigate !== here()) {
        location.href = msg.navigate;
        return;
      }
      if (msg.all || msg.pages.includes(here())) return reload();
      if (msg.css.length) swapCss(msg.css);
    }
  }

  let stream = null;
  let channel = null;
  let release = null;
  let last = null; // the leader's latest state, for tabs that join later

  function openStream(onMessage) {
    stream = new EventSource("/__versus/events");
    for (const type of ["hello", "change", "errors"]) {
      stream.addEventListener(type, (e) => onMessage(JSON.parse(e.data)));
    }
  }

  function start() {
    if (!("BroadcastChannel" in window) || !navigator.locks) {
      openStream(handle);
      return;
    }
    channel = new BroadcastChannel("versus-live");
    channel.onmessage = (e) => {
      if (e.data.type === "ask") {
        if (release && last) channel.postMessage(last);
      } else {
        handle(e.data);
      }
    };
    channel.postMessage({ type: "ask" });
    navigator.locks.request("versus-live-leader", () => new Promise((resolve) => {
      release = resolve;
      openStream((msg) => {
        if (msg.type === "hello") last = msg;
        else if (msg.type === "errors") last = Object.assign({}, last, { errors: msg.errors });
        else if (msg.type === "change" && last) last = Object.assign({}, last, { errors: [] });
        if (channel) channel.postMessage(msg);
        handle(msg);
      });
    })).catch(() => {});
  }

  function stop() {
    state.connected = false;
    if (stream) { stream.close(); stream = null; }
    if (release) { release(); release = null; }
    if (channel) { channel.close(); channel = null; }
  }

  // Leave no open stream behind a page in the back/forward cache; reconnect when it returns.
  addEventListener("pagehide", stop);
  addEventListener("pageshow", (e) => { if (e.persisted) start(); });
  start();
})();
