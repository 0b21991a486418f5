#!/usr/bin/env node
// Stress test of `versus serve` in headless Chromium, doing what an author with many tabs and
// an editor that saves often does, many times over (issue 21):
//
//   * tabs in one browser context (they share one event stream through the elected leader)
//     and in several contexts, plus a second server on another site in fresh contexts;
//   * rapid saves, front matter broken then fixed, bursts of saves;
//   * ten tabs opened at once, then the oldest closed (the leader goes, another takes over);
//   * stylesheet edits, which must be swapped in without reloading any tab, also in tabs
//     opening just then;
//   * back/forward navigation across an edit;
//   * the server stopped with Ctrl-C (SIGINT) and started again with the tabs open, sometimes
//     with a first build that fails.
//
// After every step it asserts what a user would see: every tab shows the latest content and
// is connected, no request is left pending (Playwright's request tracking: every request
// issued must finish or fail; the event streams are counted instead — exactly one per browser
// context), no script errors, and at the end that the server logged no request left waiting.
// Waits end only when the condition holds; the deadline (WAIT_MS) only turns a hang into a
// failure with a report of what was pending.
//
// Usage: node tests/browser/serve-stress.mjs --versus PATH/TO/versus [--rounds 20]
// Needs /usr/bin/chromium and playwright-core (npm install in tests/browser/). Exit 0 when
// every round passes; prints "N passed, N failed" (rounds) last.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");

function arg(name, dflt) {
  const i = process.argv.indexOf("--" + name);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const VERSUS = path.resolve(arg("versus", path.join(repo, "target/debug/versus")));
const ROUNDS = Number(arg("rounds", "20"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
/// Only a hang should ever reach it.
const WAIT_MS = Number(process.env.WAIT_MS || 30000);
/// Tabs kept open in the first context; each round opens NEW_TABS more and closes as many.
const TABS = 4;
const NEW_TABS = 10;

let playwright;
try {
  playwright = await import(path.join(here, "node_modules/playwright-core/index.mjs"));
} catch (e) {
  console.error("FAIL: playwright-core is missing: run `npm install` in tests/browser/ (" + e.message + ")");
  process.exit(2);
}
for (const [what, p] of [["chromium", CHROMIUM], ["versus", VERSUS]]) {
  if (!fs.existsSync(p)) {
    console.error(`FAIL: ${what} is missing (${p})`);
    process.exit(2);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the site

const themeCss = fs.readFileSync(path.join(repo, "themes/default/static/style.css"), "utf8");

function article(text) {
  return '+++\ntitle = "Alpha vs Beta"\nsubjects = ["alpha", "beta"]\n[features]\n' +
    '"Speed" = { alpha = "yes", beta = "partial: sometimes" }\n+++\n' + text + "\n";
}
const BROKEN = '+++\ntitle = "Alpha vs Beta"\nsubjects = ["alpha", \n+++\nBroken.\n';

class Site {
  constructor(name) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), `versus-stress-${name}-`));
    this.write("content/_index.md", '+++\ntitle = "Home"\n+++\nWelcome.\n');
    this.write("content/subjects/alpha.md", '+++\ntitle = "Alpha"\n+++\nA.\n');
    this.write("content/subjects/beta.md", '+++\ntitle = "Beta"\n+++\nB.\n');
    this.write("content/articles/alpha-vs-beta.md", article("Version 0."));
    this.write("static/style.css", themeCss);
    this.saves = 0;
  }
  // Saves like editors do: half of the time in place, half through a temp file and a rename.
  write(rel, text) {
    const p = path.join(this.root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (this.saves++ % 2) {
      fs.writeFileSync(p + ".tmp", text);
      fs.renameSync(p + ".tmp", p);
    } else {
      fs.writeFileSync(p, text);
    }
  }
  article(text) { this.write("content/articles/alpha-vs-beta.md", article(text)); }
  broken() { this.write("content/articles/alpha-vs-beta.md", BROKEN); }
  css(rgb) { this.write("static/style.css", `${themeCss}\nbody { background-color: rgb(${rgb}) }\n`); }
  remove() { fs.rmSync(this.root, { recursive: true, force: true }); }
}

// ---------------------------------------------------------------- the server

class Server {
  constructor(site, port = 0) {
    this.site = site;
    this.port = port;
    this.log = ""; // this run's output
    this.all = ""; // every run's
  }
  async start() {
    this.log = "";
    this.proc = spawn(VERSUS, ["serve", "--verbose", "--root", this.site.root, "--port", String(this.port)], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // `close`, not `exit`: all of the output has been read by then.
    this.exited = new Promise((r) => this.proc.on("close", (code, signal) => r({ code, signal })));
    const url = new Promise((resolve, reject) => {
      this.proc.stdout.on("data", (d) => {
        this.log += d;
        this.all += d;
        const m = /serving .* at (http:\/\/\S+)/.exec(this.log);
        if (m) resolve(m[1]);
      });
      this.proc.stderr.on("data", (d) => { this.log += d; this.all += d; });
      this.exited.then(() => reject(new Error("server exited:\n" + this.log)));
    });
    this.url = await withDeadline(url, "the server to start", () => this.log);
    this.port = Number(new URL(this.url).port);
  }
  /// Ctrl-C: the server must say "stopped" and exit 0.
  async stop() {
    this.proc.kill("SIGINT");
    const { code, signal } = await withDeadline(this.exited, "the server to stop on Ctrl-C", () => this.log);
    check(code === 0 && /\bstopped\b/.test(this.log), `Ctrl-C stops the server cleanly (exit ${code}, signal ${signal})`);
  }
  kill() { if (this.proc && this.proc.exitCode === null) this.proc.kill("SIGKILL"); }
  /// Waits for a line of this run's output (stdout and stderr arrive in either order).
  async waitLog(re, what) {
    const deadline = Date.now() + WAIT_MS;
    while (!re.test(this.log)) {
      check(Date.now() < deadline, `timed out waiting for ${what}`, this.log);
      await sleep(50);
    }
  }
}

// ---------------------------------------------------------------- checks

class Failure extends Error {}

function check(ok, what, detail = "") {
  if (!ok) throw new Failure(what + (detail ? "\n" + detail : ""));
}

async function withDeadline(promise, what, detail = () => "") {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Failure(`timed out waiting for ${what}\n${detail()}`)), WAIT_MS);
  });
  try { return await Promise.race([promise, timeout]); } finally { clearTimeout(timer); }
}

// ---------------------------------------------------------------- tabs and their requests

const EVENTS = "/__versus/events";
let tabSeq = 0;
let failingFirstBuild = false;

/// One browser context: its tabs and every request they issued that has not ended.
class Context {
  constructor(ctx, name) {
    this.ctx = ctx;
    this.name = name;
    this.tabs = [];
    this.pending = new Map(); // Request -> { tab, url, method, since }
  }
  async open(url) {
    const page = await this.ctx.newPage();
    const tab = { page, ctx: this, name: `${this.name}/tab${++tabSeq}`, errors: [], loads: 0 };
    // Every load of the page, the first one and any reload.
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame() && f.url() !== "about:blank") tab.loads++;
    });
    // A closing page may still report requests (a follower that just took over the stream):
    // once a tab is closed, its requests are no one's.
    page.on("request", (r) => {
      if (!tab.closed) this.pending.set(r, { tab, url: r.url(), method: r.method(), since: Date.now() });
    });
    page.on("requestfinished", (r) => this.pending.delete(r));
    page.on("requestfailed", (r) => this.pending.delete(r));
    page.on("pageerror", (e) => tab.errors.push("script error: " + e.message));
    page.on("console", (m) => {
      // While the first build fails, every URL answers with the error page and status 500.
      if (failingFirstBuild && /status of 500/.test(m.text())) return;
      if (m.type() === "error") tab.errors.push(`console error: ${m.text()} (${m.location().url})`);
    });
    this.tabs.push(tab);
    await goto(tab, url);
    return tab;
  }
  async close(tab) {
    this.tabs = this.tabs.filter((t) => t !== tab);
    tab.closed = true;
    await tab.page.close();
    for (const [r, info] of this.pending) if (info.tab === tab) this.pending.delete(r);
  }
  /// Requests still open, apart from the event streams (all of them with `streams`).
  stuck(streams = false) {
    const now = Date.now();
    return [...this.pending.values()]
      .filter((i) => streams || new URL(i.url).pathname !== EVENTS)
      .map((i) => `  ${i.tab.name}: ${i.method} ${i.url} pending for ${now - i.since} ms`);
  }
  streams() {
    return [...this.pending.values()].filter((i) => new URL(i.url).pathname === EVENTS).length;
  }
}

async function goto(tab, url) {
  // `commit` only: whether the page finishes loading is what the later checks look at.
  await withDeadline(tab.page.goto(url, { waitUntil: "commit" }).catch(() => {}), `${tab.name} to open ${url}`);
}

/// Evaluates `fn(arg)` in a tab; false while the page is navigating.
async function probe(tab, fn, arg) {
  try { return await tab.page.evaluate(fn, arg); } catch (_) { return false; }
}

/// Waits until `fn(arg)` is true in every tab, then until nothing but the event streams is
/// pending and every context with tabs has exactly one stream open.
async function settle(what, contexts, fn, arg) {
  const deadline = Date.now() + WAIT_MS;
  const tabs = contexts.flatMap((c) => c.tabs);
  let waiting = tabs;
  while (waiting.length) {
    const ok = await Promise.all(waiting.map((t) => probe(t, fn, arg)));
    waiting = waiting.filter((_, i) => !ok[i]);
    if (!waiting.length) break;
    if (Date.now() > deadline) {
      const states = await Promise.all(waiting.map(async (t) =>
        `  ${t.name} at ${t.page.url()}: ` + JSON.stringify(await probe(t, describeTab)) +
        (t.errors.length ? "\n    " + t.errors.join("\n    ") : "")));
      throw new Failure(`timed out waiting for ${what} in ${waiting.length} of ${tabs.length} tabs\n` +
        states.join("\n") + "\n" + pendingReport(contexts));
    }
    await sleep(50);
  }
  for (;;) {
    const stuck = contexts.flatMap((c) => c.stuck());
    const streams = contexts.filter((c) => c.tabs.length && c.streams() !== 1);
    if (!stuck.length && !streams.length) break;
    if (Date.now() > deadline) {
      throw new Failure(`after ${what}: requests left pending or event streams not one per context\n` +
        pendingReport(contexts));
    }
    await sleep(50);
  }
  for (const t of tabs) check(t.errors.length === 0, `no script errors in ${t.name}`, t.errors.join("\n"));
}

function pendingReport(contexts) {
  return contexts.map((c) => `  ${c.name}: ${c.tabs.length} tabs, ${c.streams()} event streams open\n` +
    c.stuck(true).join("\n")).join("\n");
}

// In-page predicates (run by page.evaluate, so self-contained).
function describeTab() {
  const o = document.getElementById("versus-overlay");
  return {
    title: document.title,
    connected: !!(window.__versus && window.__versus.connected),
    overlay: o ? o.innerText.slice(0, 200) : null,
    text: document.body ? document.body.innerText.slice(0, 300) : null,
    leader: !!(window.__versus && window.__versus.leader),
    marker: window.__marker || null,
    bg: document.body ? getComputedStyle(document.body).backgroundColor : null,
  };
}
function showsArticle(text) {
  return document.readyState === "complete" && !!(window.__versus && window.__versus.connected)
    && !document.getElementById("versus-overlay")
    && (!location.pathname.startsWith("/articles/") || document.body.innerText.includes(text));
}
function showsOverlay() {
  const o = document.getElementById("versus-overlay");
  return !!o && o.innerText.includes("content/articles/alpha-vs-beta.md:3");
}
function showsStyle(bg) {
  return getComputedStyle(document.body).backgroundColor === bg;
}
function setMarker(m) { window.__marker = m; return true; }
function hasMarker(m) { return window.__marker === m; }

// ---------------------------------------------------------------- the rounds

const site = new Site("a");
const other = new Site("b");
const server = new Server(site);
const server2 = new Server(other);
let browser;
let passed = 0;
let failed = 0;

async function round(r, c1, c2, all) {
  const article = () => `${server.url}articles/alpha-vs-beta/`;
  const step = async (what, fn, arg) => settle(`round ${r}: ${what}`, all, fn, arg);

  // Edit the text: every article tab shows it.
  site.article(`Version ${r}.1 edited.`);
  await step("an edit of the article", showsArticle, `Version ${r}.1 edited.`);

  // Break the front matter, then fix it: right away on even rounds, after the overlay on odd.
  site.broken();
  if (r % 2) await step("the error overlay", showsOverlay);
  else await sleep(r % 4 ? 5 : 60);
  site.article(`Version ${r}.2 fixed.`);
  await step("the fixed article", showsArticle, `Version ${r}.2 fixed.`);

  // A burst of saves: the last one wins.
  for (let i = 1; i <= 5; i++) {
    site.article(`Version ${r}.3 burst ${i}.`);
    await sleep(10 + 7 * i);
  }
  await step("a burst of saves", showsArticle, `Version ${r}.3 burst 5.`);

  // Ten tabs at once in the first context; then the oldest close, the leader among them.
  const before = c1.tabs.slice();
  const marker = `round ${r}`;
  for (const t of all.flatMap((c) => c.tabs)) check(await probe(t, setMarker, marker), `marked ${t.name}`);
  await Promise.all(Array.from({ length: NEW_TABS }, (_, i) =>
    c1.open(i % 3 ? article() : server.url)));
  await step("ten new tabs", showsArticle, `Version ${r}.3 burst 5.`);
  for (const t of before.slice(0, NEW_TABS)) await c1.close(t);
  while (c1.tabs.length > TABS) await c1.close(c1.tabs[0]);
  await step("closing the oldest tabs", showsArticle, `Version ${r}.3 burst 5.`);
  for (const t of c2.tabs) {
    check(await probe(t, hasMarker, marker), `${t.name} was not reloaded when another context's tabs changed`);
  }

  // A stylesheet edit is swapped in everywhere, without reloading any tab.
  for (const t of all.flatMap((c) => c.tabs)) check(await probe(t, setMarker, marker + " css"), `marked ${t.name}`);
  const bg = `rgb(${r + 1}, 2, 3)`;
  site.css(`${r + 1}, 2, 3`);
  await step("the stylesheet edit", showsStyle, bg);
  for (const t of all.flatMap((c) => c.tabs)) {
    check(await probe(t, hasMarker, marker + " css"), `${t.name} swapped the stylesheet without a reload`,
      JSON.stringify(await probe(t, describeTab)));
  }

  // Tabs opening while a stylesheet edit is published (their page from before it, their first
  // event or greeting from after it) swap it like the others: each loads once.
  const opening = Array.from({ length: 3 }, () => c1.open(article()));
  await sleep(5 * (r % 8));
  const bg2 = `rgb(${r + 1}, 4, 5)`;
  site.css(`${r + 1}, 4, 5`);
  const opened = await Promise.all(opening);
  await step("tabs opened during a stylesheet edit", showsStyle, bg2);
  for (const t of opened) {
    check(t.loads === 1, `${t.name}, opened during a stylesheet edit, loaded once (not ${t.loads} times)`,
      JSON.stringify(await probe(t, describeTab)));
    check(await probe(t, setMarker, marker + " css"), `marked ${t.name}`);
  }

  // When the tab holding the event stream goes, another takes over; none of them reloads
  // (their pages are current, whatever stylesheet was swapped in since they were loaded).
  for (const t of c1.tabs.slice(0, -1)) await c1.close(t);
  await step("closing all but one tab of the first context", showsArticle, `Version ${r}.3 burst 5.`);

  // Back/forward: leave the article, edit it meanwhile, come back to the latest text.
  const walker = c2.tabs[0];
  await goto(walker, server.url);
  await step("the walk to the home page", showsArticle, "");
  for (const t of all.flatMap((c) => c.tabs).filter((t) => t !== walker)) {
    check(await probe(t, hasMarker, marker + " css"), `${t.name} was not reloaded when other tabs went`,
      JSON.stringify(await probe(t, describeTab)));
  }
  site.article(`Version ${r}.4 while away.`);
  await step("an edit while away", showsArticle, `Version ${r}.4 while away.`);
  await withDeadline(walker.page.goBack({ waitUntil: "commit" }).catch(() => {}), "back");
  await step("back to the article", showsArticle, `Version ${r}.4 while away.`);
  check((await walker.page.url()).includes("/articles/"), `${walker.name} went back to the article`);
  await withDeadline(walker.page.goForward({ waitUntil: "commit" }).catch(() => {}), "forward");
  await step("forward again", showsArticle, `Version ${r}.4 while away.`);
  await goto(walker, article());
  await step("the article again", showsArticle, `Version ${r}.4 while away.`);

  // A fresh context's first load, on a second server (another site).
  const c3 = new Context(await browser.newContext(), `round${r}-second-server`);
  await c3.open(server2.url);
  await settle(`round ${r}: the second server's home page in a fresh context`, [c3], showsArticle, "");
  await c3.ctx.close();

  // Restart with the tabs open; every fourth round the first build fails until fixed.
  if (r % 4 === 3) {
    const failing = r % 8 === 7;
    if (failing) {
      site.broken();
      await step("the error overlay before the restart", showsOverlay);
    }
    await server.stop();
    failingFirstBuild = failing;
    await server.start();
    if (failing) {
      await server.waitLog(/the first build failed/, "the first build to fail as arranged");
      await step("the error page after the restart", () =>
        document.readyState === "complete" && /has errors/.test(document.body.innerText)
        && !!(window.__versus && window.__versus.connected));
      site.article(`Version ${r}.5 after restart.`);
      await step("the fixed first build", showsArticle, `Version ${r}.5 after restart.`);
      failingFirstBuild = false;
    } else {
      site.article(`Version ${r}.5 after restart.`);
    }
    await step("the restarted server", showsArticle, `Version ${r}.5 after restart.`);
  }
}

async function main() {
  console.log(`versus serve stress test: ${ROUNDS} rounds, ${VERSUS}`);
  await server.start();
  await server2.start();
  browser = await playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright turns the back/forward cache off; a user's browser has it on.
    ignoreDefaultArgs: ["--disable-back-forward-cache"],
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage"],
  });
  const c1 = new Context(await browser.newContext(), "context1");
  const c2 = new Context(await browser.newContext(), "context2");
  const all = [c1, c2];
  for (let i = 0; i < TABS; i++) await c1.open(i % 2 ? server.url : `${server.url}articles/alpha-vs-beta/`);
  for (let i = 0; i < 2; i++) await c2.open(`${server.url}articles/alpha-vs-beta/`);
  await settle("the first pages", all, showsArticle, "Version 0.");
  for (let r = 0; r < ROUNDS; r++) {
    try {
      await round(r, c1, c2, all);
      passed++;
      console.log(`  ok   round ${r}`);
    } catch (e) {
      failed++;
      console.log(`  FAIL round ${r}: ${e.stack || e}`);
      break; // the tabs' state is unknown now
    }
  }
  // The server's watchdog (`--verbose`) logs any request left waiting for its answer.
  const waited = server.all.split("\n").filter((l) => /slow request|every worker/.test(l));
  if (waited.length) {
    failed++;
    console.log("  FAIL the server logged requests left waiting:\n" + waited.join("\n"));
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.kill();
    server2.kill();
    process.exit(1);
  });
}

try {
  await main();
} catch (e) {
  failed++;
  console.log("  FAIL " + (e.stack || e));
} finally {
  if (failed) console.log("--- server log (last 60 lines)\n" + server.all.split("\n").slice(-60).join("\n"));
  // For a post-mortem (gdb, ss) of a failed run: STRESS_HOLD_MS=600000 keeps everything open.
  if (failed && process.env.STRESS_HOLD_MS) {
    console.log(`holding the server (pid ${server.proc && server.proc.pid}) and the browser open`);
    await sleep(Number(process.env.STRESS_HOLD_MS));
  }
  if (browser) await browser.close().catch(() => {});
  server.kill();
  server2.kill();
  site.remove();
  other.remove();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
