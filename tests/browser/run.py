#!/usr/bin/env python3
"""Browser tests for the default theme, in Debian's headless Chromium via chromedriver.

Speaks the W3C WebDriver protocol with nothing but the standard library, serves the built
site from a local HTTP server, and checks what a reader sees:

  * axe-core finds no serious or critical violations on the home page, an article, a subject,
    the matrix (closed, and with the reader's comparison open) and a pair page, in light and in
    dark; and with --wide on the big layouts: the matrix summary with the comparison open, a
    group page and its page 2, a pair page in summary mode, a pair-group page, a subject page
    in summary mode and a subject-group page;
  * the matrix sorts by a column and filters by text, group, subject and "only differences";
  * with --fixture (the site in tests/browser/fixture, built under that path): free values
    sort by number and unit, versions part by part, text as text, declared levels in their
    order;
  * the reader's comparison (compare.js), on the showcase and the wide site: ?s=a,b gives
    exactly those columns, a reload keeps them, "only differences" leaves rows that differ and
    puts diff=1 in the URL, a group shows the features its static matrix has, Back and Forward
    step through the choices, sorting, "Show more" on a long table, the keyboard, and an
    unknown subject named in the status line;
  * the search box finds a page, a feature and a subject, and Enter opens it; on a site of
    many pages (--big, made by big_site.py) the first search fetches only the manifest, one
    word shard and the records shown, and page text only when the reader asks;
  * the theme toggle remembers the choice across a reload;
  * optionally (--screenshots DIR) saves 380 px and 1280 px screenshots in both themes.

Usage: tests/browser/run.py SITE_DIR --wide WIDE_SITE_DIR --big BIG_SITE_DIR [--fixture /fixture/] [--axe PATH/TO/axe.min.js] [--screenshots DIR]
(WIDE_SITE_DIR: wide_site.py's site, built; BIG_SITE_DIR: big_site.py's; a run without them
fails, saying so.)
Exit status 0 when every check passes, 1 otherwise.
"""
import argparse
import base64
import functools
import http.server
import json
import re
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

FAILURES = []


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    """The few WebDriver commands these tests need."""

    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": shutil.which("chromium") or "/usr/bin/chromium",
                        "args": [
                            "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", "--disable-quic",
                            "--no-first-run", "--disable-component-update", "--disable-sync",
                            "--hide-scrollbars",
                            "--user-data-dir=" + tempfile.mkdtemp(prefix="versus-chrome-"),
                        ],
                    },
                }
            }
        }
        self.session = self._req("POST", "/session", caps)["sessionId"]

    def _req(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            raise RuntimeError("%s %s: %s" % (method, path, e.read()[:500].decode(errors="replace")))

    def cmd(self, method, path, body=None):
        return self._req(method, "/session/%s%s" % (self.session, path), body)

    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        return self.cmd("POST", "/execute/async", {"script": script, "args": list(args)})

    def find(self, css):
        el = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        return list(el.values())[0]

    def click(self, css):
        self.cmd("POST", "/element/%s/click" % self.find(css), {})

    def type(self, css, text):
        self.cmd("POST", "/element/%s/value" % self.find(css), {"text": text})

    def keys(self, text):
        actions = [{"type": "keyDown", "value": c} for c in text] + \
                  [{"type": "keyUp", "value": c} for c in text]
        self.cmd("POST", "/actions", {"actions": [{"type": "key", "id": "kb", "actions": actions}]})
        self.cmd("DELETE", "/actions")

    def size(self, w, h):
        self.cmd("POST", "/window/rect", {"width": w, "height": h})

    def cdp(self, cmd, params):
        return self.cmd("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.cmd("GET", "/screenshot")))

    def wait(self, script, what, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            if self.js(script):
                return True
            time.sleep(0.1)
        return False

    def quit(self):
        try:
            self.cmd("DELETE", "")
        except Exception:
            pass


def serve(root):
    port = free_port()
    handler = functools.partial(QuietHandler, directory=root)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, "http://127.0.0.1:%d" % port


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def set_theme(d, mode):
    """light/dark: emulate the system preference and clear any saved choice."""
    d.cdp("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": mode}]})
    d.js("try{localStorage.removeItem('versus-theme')}catch(e){}")


def run_axe(d, axe_src, url, label, ready=None):
    d.get(url)
    if ready:
        check(d.wait(ready, label), "axe %s: page ready" % label)
    d.js(axe_src + "\n;return true;")
    res = d.js_async(
        "var done=arguments[arguments.length-1];"
        "axe.run(document,{resultTypes:['violations']}).then(function(r){done(r.violations.map(function(v){"
        "return {id:v.id,impact:v.impact,help:v.help,nodes:v.nodes.slice(0,3).map(function(n){return n.target.join(' ')})}}))})"
        ".catch(function(e){done([{id:'axe-error',impact:'critical',help:String(e),nodes:[]}])});")
    bad = [v for v in res if v["impact"] in ("serious", "critical")]
    for v in res:
        print("       %s %s: %s %s" % (v["impact"], v["id"], v["help"], v["nodes"]))
    check(not bad, "axe %s: no serious/critical violations (%d other)" % (label, len(res) - len(bad)))


# The rank of each first-column cell of the matrix, per group: the level order site.js uses
# (the site's own on <body data-level-order>, else the built-in one).
RANKS = ("var R=(document.body.dataset.levelOrder||'yes partial plugin text unknown n/a no none').split(' ');"
         "return Array.from(document.querySelectorAll('table.matrix tbody')).map(function(b){"
         "return Array.from(b.querySelectorAll('tr:not(.group) td:nth-of-type(1)')).map(function(td){return R.indexOf(td.dataset.level)})})")


def test_matrix(d, base):
    d.size(1280, 900)
    d.get(base + "/compare/")
    check(d.js("return !document.querySelector('form[data-table-tools]').hidden"), "matrix: filter tools shown with JS")
    rows = "return Array.from(document.querySelectorAll('table.matrix tbody tr:not(.group)'))"
    total = d.js(rows + ".length")
    check(total > 5, "matrix: %d feature rows" % total)
    # Sort by the first subject, ascending: yes before no within every group.
    d.click("table.matrix thead th:nth-child(2) .sort-button")
    check(d.js("return document.querySelector('table.matrix thead th:nth-child(2)').getAttribute('aria-sort')") == "ascending",
          "matrix: header says sorted ascending")
    ranks = d.js(RANKS)
    check(all(g == sorted(g) for g in ranks), "matrix: rows ordered by level within each group")
    d.click("table.matrix thead th:nth-child(2) .sort-button")
    ranks = d.js(RANKS)
    check(all(g == sorted(g, reverse=True) for g in ranks), "matrix: second click sorts descending")
    # Text filter.
    d.type("[data-filter-text]", "orm")
    vis = d.js(rows + ".filter(function(r){return !r.hidden}).map(function(r){return r.textContent.toLowerCase()})")
    check(0 < len(vis) < total and all("orm" in t for t in vis), "matrix: text filter 'orm' leaves %d matching rows" % len(vis))
    check("of %d" % total in d.js("return document.querySelector('[data-table-status]').textContent"), "matrix: status announces the count")
    d.js("var i=document.querySelector('[data-filter-text]');i.value='';i.dispatchEvent(new Event('input',{bubbles:true}))")
    # Group filter.
    groups = d.js("return Array.from(document.querySelectorAll('[data-filter-group] option')).map(function(o){return o.value}).filter(Boolean)")
    if groups:
        g = groups[-1]
        d.js("var s=document.querySelector('[data-filter-group]');s.value=arguments[0];s.dispatchEvent(new Event('change',{bubbles:true}))", g)
        shown = d.js("return Array.from(document.querySelectorAll('table.matrix tbody')).filter(function(b){return !b.hidden}).map(function(b){return b.dataset.group})")
        check(shown == [g], "matrix: group filter shows only group %s" % g)
        d.js("var s=document.querySelector('[data-filter-group]');s.value='';s.dispatchEvent(new Event('change',{bubbles:true}))")
    # Only differences.
    d.click("[data-filter-diff]")
    vis = d.js(rows + ".filter(function(r){return !r.hidden}).map(function(r){return r.dataset.differs})")
    check(vis and all(v == "true" for v in vis) and len(vis) < total, "matrix: only differences leaves %d rows that differ" % len(vis))
    d.click("[data-filter-diff]")
    # Hide a subject column.
    if d.js("return !!document.querySelector('[data-filter-columns] input')"):
        d.click("[data-filter-columns] label:first-of-type input")
        hidden = d.js("return Array.from(document.querySelectorAll('table.matrix tbody tr:not(.group)')).every(function(r){return r.children[1].hidden})")
        check(hidden, "matrix: unticking a subject hides its column")
        d.click("[data-filter-columns] label:first-of-type input")


def test_sorting(d, base):
    """Feature pages of the fixture: sorting the verdict column orders the subjects."""
    d.size(1280, 900)
    for feature, want, what in [
        ("size", "bcad", "sizes by number and unit (500 KB, 1,200 KB, 5 MB, 2 GB)"),
        ("throughput", "dbac", "numbers with thousands separators (80 … 15,000 req/s)"),
        ("release", "adbc", "v-versions part by part (v3.2, v3.9, v3.10, v10.0)"),
        ("async", "dcab", "`since` as versions (1.9, 1.10, 9.1, 10.2)"),
        ("vectors", "cbda", "declared levels in their order (yes, extension, untested, no)"),
        ("codename", "badc", "text as text (Alpha, beta, delta, gamma)"),
    ]:
        d.get(base + "features/" + feature + "/")
        d.click("table.cmp thead th:nth-child(2) .sort-button")
        order = d.js("return Array.from(document.querySelectorAll('table.cmp tbody tr')).map(function(r){return r.id.slice(3)}).join('')")
        check(order == want, "sorting: %s → %s (got %s)" % (what, want, order))
        d.click("table.cmp thead th:nth-child(2) .sort-button")
        order = d.js("return Array.from(document.querySelectorAll('table.cmp tbody tr')).map(function(r){return r.id.slice(3)}).join('')")
        check(order == want[::-1], "sorting: %s, descending" % feature)


# ---- the reader's own comparison view (compare.js) ----

# compare.js sets data-rendered to the query it has drawn; a test clears it before each step.
VIEW_READY = "var v=document.querySelector('.compare-view');return !!v && v.getAttribute('data-rendered') === location.search"
UNMARK = "document.querySelector('.compare-view').removeAttribute('data-rendered')"
VIEW_STATE = """var v=document.querySelector('.compare-view'), t=v.querySelector('table');
return {cols: t ? Array.from(t.querySelectorAll('thead th[data-subject]')).map(function(th){return th.dataset.subject}) : [],
  heads: t ? t.querySelectorAll('thead th').length : 0,
  rows: t ? Array.from(t.querySelectorAll('tbody tr:not(.group)')).map(function(r){
    return {name: r.querySelector('th').textContent, differs: r.dataset.differs,
            keys: Array.from(r.querySelectorAll('td')).map(function(td){return td.dataset.level + '|' + td.textContent})}}) : [],
  groups: t ? Array.from(t.tBodies).map(function(b){return b.dataset.group}) : [],
  checked: Array.from(v.querySelectorAll('[data-cv-picker] input:checked')).map(function(i){return i.value}),
  group: (v.querySelector('[data-cv-group]') || {}).value, diff: (v.querySelector('[data-cv-diff]') || {}).checked,
  status: v.querySelector('[role=status]').textContent, search: location.search}"""


def view(d):
    if not d.wait(VIEW_READY, "view"):
        check(False, "view: settles after the last step (%s)" % d.js("return location.search"))
    return d.js(VIEW_STATE)


def step(d, script, *args):
    """Runs `script` (or clicks the selector `script`) after clearing the view's mark."""
    d.js(UNMARK)
    if script.startswith("click "):
        d.click(script[6:])
    else:
        d.js(script, *args)


def static_rows(d, base, path, group, ids, diff):
    """What the static matrix at `path` (and its further pages) says the view must show for
    subjects `ids` in `group`: the features one of them is stated for; with `diff`, only where
    they differ. None when the static matrix lacks one of the subjects."""
    names, url = [], base + path
    while url:
        d.get(url)
        page = d.js("""var ids=arguments[0], diff=arguments[1], group=arguments[2], t=document.getElementById('matrix');
            var col=Array.from(t.querySelectorAll('thead th')).map(function(th){var a=th.querySelector('a');
              return a ? new URL(a.href).pathname.replace(/^\\/subjects\\/|\\/$/g, '') : null});
            var at=ids.map(function(id){return col.indexOf(id)});
            if (at.indexOf(-1) >= 0) return {missing: true};
            var rows=Array.from(t.querySelectorAll('tbody[data-group="' + group + '"] tr:not(.group)')).filter(function(r){
              var cells=at.map(function(i){return r.children[i]});
              var keys={}; cells.forEach(function(c){keys[c.dataset.key]=1});
              return cells.some(function(c){return c.dataset.level !== 'none'}) && (!diff || Object.keys(keys).length > 1)});
            var next=document.querySelector('.pagination a[rel=next]');
            return {names: rows.map(function(r){return r.querySelector('th').textContent.trim()}), next: next && next.href}""", ids, diff, group)
        if page.get("missing"):
            return None
        names += page["names"]
        url = page["next"]
    return names


def test_compare_view(d, base, site, label, ids, group, group_path, wide):
    """The view on `site`: subjects `ids` from the URL, reload, only differences, a group (its
    static matrix at `group_path` is the oracle), back and forward, sorting, more rows, the
    keyboard, and a subject the site does not have."""
    d.size(1280, 900)
    index = json.load(open(os.path.join(site, "compare/data/index.json")))
    titles = {s[0]: s[1] for s in index["subjects"]}
    d.get(base + "/compare/")
    check(d.js("var v=document.querySelector('.compare-view');return !v.hidden && !!v.querySelector('[data-cv-open]')"),
          "%s view: shown closed, with a button" % label)
    check(d.js("return performance.getEntriesByType('resource').filter(function(e){return /compare\\/data\\//.test(e.name)}).length") == 0,
          "%s view: no data fetched until used" % label)
    url = base + "/compare/?s=" + ",".join(ids)
    d.get(url)
    v = view(d)
    check(v["cols"] == ids and v["heads"] == len(ids) + 1,
          "%s view: ?s=%s gives exactly those columns (%s)" % (label, ",".join(ids), v["cols"]))
    check(sorted(v["checked"]) == sorted(ids), "%s view: the picker shows the choice" % label)
    total = len(v["rows"])
    step(d, "location.reload()")
    v = view(d)
    check(v["cols"] == ids and len(v["rows"]) == total, "%s view: a reload keeps the choice" % label)
    # Only differences.
    step(d, "click [data-cv-diff]")
    v = view(d)
    differ = [r for r in v["rows"] if len(set(r["keys"])) > 1]
    # "3 of 4 features differ" (English) or the Arabic table's "تختلف 3 من 4 خصائص".
    counts = re.search(r"(\d+) of (\d+) features differ|تختلف (\d+) من (\d+)", v["status"].replace(",", ""))
    counts = counts and [int(x) for x in counts.groups() if x is not None]
    check("diff=1" in v["search"], "%s view: the URL says diff=1 (%s)" % (label, v["search"]))
    check(v["rows"] and len(differ) == len(v["rows"]) and all(r["differs"] == "true" for r in v["rows"]),
          "%s view: only differences leaves %d rows, each differing" % (label, len(v["rows"])))
    check(counts and counts[0] < counts[1] and min(counts[0], total) == len(v["rows"]),
          "%s view: the status line counts them: %r" % (label, v["status"]))
    # A group: exactly its features, as the static matrix of that group has them.
    step(d, "var s=document.querySelector('[data-cv-group]');s.value=arguments[0];"
         "s.dispatchEvent(new Event('change',{bubbles:true}))", group)
    v = view(d)
    shown_diff = [r["name"] for r in v["rows"]]
    check("g=" + group in urllib.parse.unquote(v["search"]) and set(v["groups"]) == {group}, "%s view: group %s chosen, in the URL" % (label, group))
    step(d, "click [data-cv-diff]")
    v = view(d)
    shown_all = [r["name"] for r in v["rows"]]
    # Back and forward: each choice was a step.
    step(d, "history.back()")
    v = view(d)
    check(v["diff"] and "diff=1" in v["search"] and v["group"] == group, "%s view: Back returns to only differences" % label)
    step(d, "history.back()")
    v = view(d)
    check("g=" not in v["search"] and v["group"] != group and v["diff"], "%s view: Back again leaves the group (%s)" % (label, v["search"]))
    step(d, "history.forward()")
    v = view(d)
    check(v["group"] == group and v["diff"], "%s view: Forward comes back (%s)" % (label, v["search"]))
    oracle_diff = static_rows(d, base, group_path, group, ids, True)
    oracle_all = static_rows(d, base, group_path, group, ids, False)
    check(oracle_all is not None and sorted(shown_all) == sorted(oracle_all),
          "%s view: group %s shows its %d features, as its static matrix" % (label, group, len(shown_all)))
    check(oracle_diff is not None and sorted(shown_diff) == sorted(oracle_diff),
          "%s view: and the %d of them that differ" % (label, len(shown_diff)))
    # Sorting by the first subject: within each group, yes before no.
    d.get(url)
    view(d)
    step(d, "click .compare-view thead th:nth-child(2) .sort-button")
    view(d)
    ranks = d.js("var O=(document.body.getAttribute('data-level-order')||'yes partial plugin text unknown n/a no none').split(' '),R={};"
                 "O.forEach(function(k,i){R[k]=i});"
                 "return Array.from(document.querySelectorAll('.compare-view tbody')).map(function(b){"
                 "return Array.from(b.querySelectorAll('tr:not(.group) td:nth-of-type(1)')).map(function(td){return R[td.dataset.level]})})")
    check(all(g == sorted(g) for g in ranks)
          and d.js("return document.querySelector('.compare-view thead th:nth-child(2)').getAttribute('aria-sort')") == "ascending",
          "%s view: sorts by a subject" % label)
    if wide:
        # A long table arrives a slice at a time.
        rows = len(view(d)["rows"])
        all_rows = sum(g[2] for g in index["groups"])
        check(rows < all_rows and d.js("return !document.querySelector('.compare-more').hidden"),
              "%s view: %d of about %d rows rendered first, with a button for more" % (label, rows, all_rows))
        step(d, "click [data-cv-more]")
        v = view(d)
        check(len(v["rows"]) == 2 * rows and "first %d" % (2 * rows) in v["status"].replace(",", ""),
              "%s view: 'Show more' adds the next %d rows and says so" % (label, rows))
    # Keyboard only: open the view, then add a subject by name in the picker's filter (or by
    # ticking it, where the list is short).
    d.get(base + "/compare/")
    view(d)
    step(d, "document.querySelector('[data-cv-open]').focus()")
    d.keys("\ue007")  # Enter
    v = view(d)
    check(v["heads"] > 1 and "s=" in v["search"], "%s view: Enter on the button opens the view (%s)" % (label, v["search"]))
    check(d.js("return !!document.activeElement.closest('[data-cv-form]')"), "%s view: focus moves into the controls" % label)
    extra = [s for s in titles if s not in v["cols"]]
    if extra:
        if d.js("return !!document.querySelector('#cv-find')"):
            step(d, "document.querySelector('#cv-find').focus()")
            d.keys(titles[extra[-1]] + "\ue007")
        else:
            step(d, "document.querySelector('[data-cv-picker] input[value=\"' + arguments[0] + '\"]').focus()", extra[-1])
            d.keys(" ")
        v = view(d)
        check(v["cols"][-1:] == extra[-1:], "%s view: a subject added from the keyboard (%s)" % (label, v["cols"]))
    # A subject the site does not have is left out, and said so.
    d.get(base + "/compare/?s=no-such-subject," + ids[0])
    v = view(d)
    check(v["cols"] == ids[:1] and "no-such-subject" in v["status"], "%s view: an unknown subject is left out and named" % label)


def test_search(d, base):
    d.size(1280, 900)
    d.get(base + "/")
    check(d.js("return !document.querySelector('[data-search]').hidden"), "search: box shown with JS")
    d.js("document.body.focus()")
    d.keys("/")
    check(d.js("return document.activeElement && document.activeElement.id === 'q'"), "search: '/' focuses the box")
    d.keys("jinja")
    ok = d.wait("return document.querySelectorAll('#q-results [role=option] a').length > 0", "results")
    check(ok, "search: results appear while typing")
    first = d.js("var a=document.querySelector('#q-results [role=option] a');return a && a.getAttribute('href')")
    check(bool(first), "search: first result links to %s" % first)
    d.keys("\ue015\ue007")  # ArrowDown, Enter
    moved = d.wait("return location.pathname !== '/'", "navigate")
    check(moved and d.js("return location.pathname + location.hash") == first,
          "search: ArrowDown + Enter opens the result")
    d.get(base + "/")
    d.click("#q")
    d.keys("zzqxnotaword")
    ok = d.wait("return !!document.querySelector('#q-results .r-empty')", "empty")
    check(ok, "search: says so when nothing matches")
    for query, kind, title in (("built-in orm", "Feature", "Built-in ORM"), ("fastap", "Subject", "FastAPI")):
        d.get(base + "/")
        d.click("#q")
        d.keys(query)
        d.wait("return document.querySelectorAll('#q-results [role=option] a').length > 0", "results")
        got = d.js("var a=document.querySelector('#q-results [role=option] a');"
                   "return a && [a.querySelector('.r-kind').textContent, a.querySelector('.r-title').textContent]")
        check(got == [kind, title], "search: '%s' finds the %s %s first (got %s)" % (query, kind.lower(), title, got))
    fetched = d.js(SEARCH_FILES)
    check(fetched and all(f.startswith("/search/") for f in fetched), "search: fetches only files under /search/ (%s)" % fetched)


# Paths of the search index files this page fetched, in order.
SEARCH_FILES = ("return performance.getEntriesByType('resource').map(function(e){return new URL(e.name).pathname})"
                ".filter(function(p){return /search/.test(p) && !/\\.js$/.test(p)})")


def test_search_big(d, base):
    """A site with more pages than search.js loads page text for by itself."""
    d.size(1280, 900)
    d.get(base + "/")
    d.click("#q")
    d.keys("note 12")
    ok = d.wait("return document.querySelectorAll('#q-results [role=option] a').length > 0", "results")
    first = d.js("var a=document.querySelector('#q-results [role=option] a');return a && a.querySelector('.r-title').textContent")
    check(ok and first and first.startswith("Note 12 "), "search (big site): 'note 12' finds Note 12 first (got %s)" % first)
    fetched = d.js(SEARCH_FILES)
    shards = [f for f in fetched if f.startswith(("/search/w-", "/search/n-"))]
    records = [f for f in fetched if f.startswith("/search/d-")]
    check(fetched[:1] == ["/search/index.json"] and 1 <= len(shards) <= 2 and 1 <= len(records) <= 12
          and len(fetched) == 1 + len(shards) + len(records),
          "search (big site): the first search fetched the manifest, a shard per word and records: %s" % fetched)
    check(not any("/t-" in f for f in fetched), "search (big site): no page text fetched before it is asked for")
    d.get(base + "/")
    d.click("#q")
    d.keys("marmalade")
    ok = d.wait("return !!document.querySelector('#q-results .r-empty') && !!document.querySelector('#q-results .r-more')", "more")
    check(ok, "search (big site): a word only in page text finds nothing at first, and page text is offered")
    d.keys("\ue015\ue015\ue007")  # ArrowDown to the offer, Enter
    ok = d.wait("return document.querySelectorAll('#q-results [role=option] a').length > 0", "text results")
    sub = d.js("var s=document.querySelector('#q-results [role=option] .r-sub');return s && s.textContent")
    check(ok and sub and "marmalade" in sub, "search (big site): Enter on the offer searches page text (%s)" % sub)
    check(any("/t-" in f for f in d.js(SEARCH_FILES)), "search (big site): page text fetched once asked for")
    check(not d.js("return !!document.querySelector('#q-results .r-more')"), "search (big site): the offer is gone once text is loaded")


def test_toggle(d, base):
    set_theme(d, "light")
    d.get(base + "/")
    d.js("try{localStorage.removeItem('versus-theme')}catch(e){}")
    d.get(base + "/")
    check(d.js("return document.documentElement.getAttribute('data-theme')") is None, "theme: follows the system by default")
    d.click(".theme-toggle")
    d.click(".theme-toggle")
    check(d.js("return document.documentElement.getAttribute('data-theme')") == "dark", "theme: two clicks choose dark")
    d.get(base + "/compare/")
    check(d.js("return document.documentElement.getAttribute('data-theme')") == "dark"
          and d.js("return getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)",
          "theme: the choice survives navigation and applies before scripts run")
    d.click(".theme-toggle")
    check(d.js("return document.documentElement.getAttribute('data-theme')") is None, "theme: third click returns to the system setting")


def showcase_pages(d, base, site):
    """label → (path, script that says the page is ready, or None); and the view's choice."""
    d.size(1280, 900)
    d.get(base + "/")
    # An article: a card link outside the site's generated sections.
    article = d.js("var a=Array.from(document.querySelectorAll('.cards a')).map(function(a){return new URL(a.href).pathname})"
                   ".filter(function(p){return !/^\\/(subjects|compare|features|tags)\\//.test(p) && p !== '/'});"
                   "return a[0] || null")
    subject = d.js("var a=document.querySelector('a[href*=\"/subjects/\"]:not([href$=\"/subjects/\"])');return a?new URL(a.href).pathname:null")
    d.get(base + "/compare/")
    pair = d.js("var a=document.querySelector('a[href*=\"-vs-\"]');return a?new URL(a.href).pathname:null")
    index = json.load(open(os.path.join(site, "compare/data/index.json")))
    # The last subject first: the columns follow the URL, not the site's order.
    ids = [index["subjects"][-1][0], index["subjects"][0][0]]
    group = max(index["groups"], key=lambda g: g[2])[1]
    pages = {"home": ("/", None), "article": (article, None), "subject": (subject, None),
             "matrix": ("/compare/", None), "matrix-view": ("/compare/?s=" + ",".join(ids), VIEW_READY),
             "pair": (pair, None)}
    return pages, (ids, group, "/compare/")


def wide_pages(d, base, site):
    """The big layouts of the wide site, each checked to be the layout meant."""
    index = json.load(open(os.path.join(site, "compare/data/index.json")))
    ids = [index["subjects"][0][0], index["subjects"][1][0]]
    g = index["groups"][0][1]
    d.get(base + "/subjects/%s/" % ids[0])
    pair = d.js("var a=document.querySelector('a[href*=\"-vs-\"]');return a?new URL(a.href).pathname:null")
    d.get(base + "/notes/n00/")
    feature = d.js("var a=document.querySelector('a[href^=\"/features/\"][href$=\"/\"]:not([href=\"/features/\"])');"
                   "return a?new URL(a.href).pathname:null")
    pages = {"wide-matrix-view": ("/compare/?s=" + ",".join(ids), VIEW_READY, "table.group-summary"),
             "wide-feature-more": (feature, None, "#s--s00 .statements-more .level-counts"),
             "wide-group": ("/compare/groups/%s/" % g, None, ".pagination a[rel=next]"),
             "wide-group-page-2": ("/compare/groups/%s/page/2/" % g, None, ".pagination a[rel=prev]"),
             "wide-pair": (pair, None, "#groups + .table-wrap .group-summary"),
             "wide-pair-group": ("%s%s/" % (pair, g), None, "#differences"),
             "wide-subject": ("/subjects/%s/" % ids[0], None, ".level-counts"),
             "wide-subject-group": ("/subjects/%s/%s/" % (ids[0], g), None, "tr[id^='f--'] + tr")}
    for name, (path, _, proof) in pages.items():
        d.get(base + path)
        check(bool(path) and d.js("return !!document.querySelector(arguments[0])", proof),
              "%s: %s has its big layout (%s)" % (name, path, proof))
    return {k: v[:2] for k, v in pages.items()}, (ids, g, "/compare/groups/%s/" % g)


def test_rtl(d, base, pages):
    """Every page of the right-to-left site says so, and its layout mirrors: the sticky
    feature column and the legend start at the right."""
    for name, (path, ready) in pages.items():
        if not path:
            continue
        d.get(base + path)
        check(d.js("return document.documentElement.dir") == "rtl" and d.js("return document.documentElement.lang") == "ar",
              "%s: <html dir=rtl lang=ar>" % name)
    d.size(1280, 900)
    d.get(base + "/compare/")
    geo = d.js("""var t=document.querySelector('table.cmp'), th=t.querySelector('tbody th[scope=row]'),
        td=th.parentNode.querySelector('td'), l=document.querySelector('.legend li');
        return {th: th.getBoundingClientRect().left, td: td.getBoundingClientRect().left,
                legend: l.getBoundingClientRect().right, main: document.querySelector('main').getBoundingClientRect().width}""")
    check(geo["th"] > geo["td"], "arabic: the feature column is on the right of the cells (%s)" % geo)
    check(geo["legend"] > geo["main"] / 2, "arabic: the legend starts at the right (%s)" % geo)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--wide", help="a built wide site (tests/browser/wide_site.py): the big layouts")
    ap.add_argument("--axe", default=os.environ.get("AXE_JS", "node_modules/axe-core/axe.min.js"))
    ap.add_argument("--screenshots")
    ap.add_argument("--fixture", help="URL path of the sorting fixture site, e.g. /fixture/")
    ap.add_argument("--big", help="a built site of many pages (big_site.py) for the search checks")
    ap.add_argument("--rtl", help="a built right-to-left site (tests/browser/arabic): axe, the view, screenshots")
    a = ap.parse_args()
    sites = [("showcase", os.path.abspath(a.site))] + ([("wide", os.path.abspath(a.wide))] if a.wide else [])
    sites += [("arabic", os.path.abspath(a.rtl))] if a.rtl else []
    servers = [(label, root) + serve(root) for label, root in sites]
    if not a.wide:
        check(False, "no --wide site given: the big layouts and the comparison view at size are not tested")
    if not a.rtl:
        check(False, "no --rtl site given: the right-to-left layout is not tested")
    big = serve(os.path.abspath(a.big)) if a.big else None
    port = free_port()
    drv = subprocess.Popen(["chromedriver", "--port=%d" % port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/status" % port, timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        d = Driver(port)
        try:
            plan = []  # (site label, root, base, pages, view choice)
            for label, root, httpd, base in servers:
                pages, choice = (wide_pages if label == "wide" else showcase_pages)(d, base, root)
                if label == "arabic":
                    pages = {"arabic-" + k: v for k, v in pages.items()}
                    test_rtl(d, base, pages)
                plan.append((label, root, base, pages, choice))
                print("Pages (%s):" % label, pages)
            if os.path.exists(a.axe):
                axe_src = open(a.axe).read()
                for mode in ("light", "dark"):
                    for label, root, base, pages, choice in plan:
                        d.get(base + "/")
                        set_theme(d, mode)
                        for name, (path, ready) in pages.items():
                            if path:
                                run_axe(d, axe_src, base + path, "%s (%s)" % (name, mode), ready)
                set_theme(d, "light")
            else:
                check(False, "axe-core not found at %s (npm install axe-core, or --axe PATH)" % a.axe)
            base = plan[0][2]
            test_matrix(d, base)
            if a.fixture:
                test_sorting(d, base + a.fixture)
            else:
                check(False, "no --fixture: the sorting tests did not run")
            test_search(d, base)
            if big:
                test_search_big(d, big[1])
            else:
                check(False, "search at scale: no --big site given (scripts/browser-tests.sh makes one)")
            test_toggle(d, base)
            for label, root, base, pages, (ids, group, group_path) in plan:
                test_compare_view(d, base, root, label, ids, group, group_path, wide=label == "wide")
            if a.screenshots:
                os.makedirs(a.screenshots, exist_ok=True)
                for mode in ("light", "dark"):
                    for label, root, base, pages, choice in plan:
                        d.get(base + "/")
                        set_theme(d, mode)
                        for w in (380, 1280):
                            d.size(w, 1000)
                            for name, (path, ready) in pages.items():
                                if path:
                                    d.get(base + path)
                                    if ready:
                                        d.wait(ready, name)
                                    d.screenshot(os.path.join(a.screenshots, "%s-%d-%s.png" % (name, w, mode)))
                print("Screenshots in", a.screenshots)
        finally:
            d.quit()
    finally:
        drv.terminate()
        drv.wait()
        for server in servers:
            server[2].shutdown()
        if big:
            big[0].shutdown()
    print("%d failure(s)" % len(FAILURES))
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
