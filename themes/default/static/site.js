/* versus default theme: progressive enhancements. Everything here is optional — the pages are
   complete without it. Parts: light/dark toggle · copy buttons · code-group tabs ·
   table sorting · table filters · table-of-contents highlight. */
(function () {
  "use strict";
  var root = document.documentElement;
  /* Interface strings: the page's own (base.html writes them as JSON for a site whose
     language is not the built-in English), else these. `{name}` is filled by fmt(). */
  var S = (function (d) {
    var el = document.getElementById("versus-strings");
    try { var o = el ? JSON.parse(el.textContent) : {}; for (var k in o) d[k] = o[k]; } catch (e) {}
    return d;
  })({
    theme: "Colour theme: {mode} (click to change)",
    theme_auto: "follow system",
    theme_light: "light",
    theme_dark: "dark",
    copy: "Copy",
    copy_code: "Copy code",
    copied: "Copied",
    sort_by: "Sort by {column}",
    showing: "Showing {shown} of {total} features."
  });
  var fmt = function (s, o) { return s.replace(/\{(\w+)\}/g, function (m, k) { return k in o ? o[k] : m; }); };
  var $$ = function (sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); };

  /* ---- light / dark: auto → light → dark → auto; remembered in localStorage ---- */
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var show = function (mode) {
      toggle.setAttribute("data-mode", mode);
      toggle.setAttribute("aria-label", fmt(S.theme, { mode: S["theme_" + mode] }));
    };
    var saved = null;
    try { saved = localStorage.getItem("versus-theme"); } catch (e) {}
    show(saved === "light" || saved === "dark" ? saved : "auto");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var next = { auto: "light", light: "dark", dark: "auto" }[toggle.getAttribute("data-mode")] || "auto";
      if (next === "auto") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", next);
      try { if (next === "auto") localStorage.removeItem("versus-theme"); else localStorage.setItem("versus-theme", next); } catch (e) {}
      show(next);
    });
  }

  /* ---- copy buttons on code blocks (the highlighter emits them hidden) ---- */
  if (navigator.clipboard) {
    $$("figure.code .copy").forEach(function (btn) {
      btn.hidden = false;
      // The highlighter writes the English words (its output is cached across builds and
      // sites): the page's language is applied here.
      btn.textContent = S.copy;
      btn.setAttribute("aria-label", S.copy_code);
      btn.addEventListener("click", function () {
        var code = btn.closest("figure").querySelector("pre code") || btn.closest("figure").querySelector("pre");
        var text = code.querySelectorAll(".line").length
          ? $$(".line", code).map(function (l) { return l.textContent.replace(/\n$/, ""); }).join("\n")
          : code.textContent;
        navigator.clipboard.writeText(text).then(function () {
          btn.textContent = S.copied;
          btn.classList.add("copied");
          setTimeout(function () { btn.textContent = S.copy; btn.classList.remove("copied"); }, 1600);
        });
      });
    });
  }

  /* ---- code groups: side by side when each panel gets enough width, tabs otherwise ---- */
  var MIN_PANEL = 340; // px: below this, code is more readable one panel at a time
  $$(".code-group").forEach(function (group) {
    var list = group.querySelector('[role="tablist"]');
    var panels = $$(".code-group-panel", group);
    if (!list || !panels.length) return;
    var tabs = $$('[role="tab"]', list);
    var current = 0;
    var select = function (i, focus) {
      current = i;
      tabs.forEach(function (t, j) {
        t.setAttribute("aria-selected", String(i === j));
        t.tabIndex = i === j ? 0 : -1;
        panels[j] && (panels[j].hidden = i !== j && !group.classList.contains("columns"));
      });
      if (focus) tabs[i].focus();
    };
    var layout = function () {
      var wide = group.clientWidth / panels.length >= MIN_PANEL;
      group.classList.toggle("columns", wide);
      group.style.setProperty("--panels", String(panels.length));
      list.hidden = wide;
      select(current);
    };
    group.classList.add("js-tabs");
    tabs.forEach(function (t, i) {
      t.addEventListener("click", function () { select(i); });
      t.addEventListener("keydown", function (e) {
        var d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (d) { e.preventDefault(); select((i + d + tabs.length) % tabs.length, true); }
      });
    });
    layout();
    if (window.ResizeObserver) new ResizeObserver(layout).observe(group);
  });

  /* ---- sortable tables: a button in each header cell; rows sort within their tbody ----
     A cell with a level sorts by the site's order of levels (on <body data-level-order> when
     the site declares its own), then by its value, then since/until. Values compare part by
     part: numbers as numbers, scaled by their unit (500 KB before 5 MB, 1,200 req/s after
     900 req/s), versions number by number (v3.2; since/until always: 10.2 after 9.1), text
     as text. */
  var ORDER = (document.body.getAttribute("data-level-order") || "yes partial plugin text unknown n/a no none").split(" ");
  var SCALE = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15, ki: 1024, mi: 1048576, gi: 1073741824, ti: 1099511627776 };
  var TIME = { ns: 1e-9, "µs": 1e-6, us: 1e-6, ms: 1e-3, s: 1, sec: 1, min: 60, h: 3600, d: 86400 };
  var parts = function (text, versions) {
    var out = [], re = /\d+(?:,\d{3})*(?:\.\d+)*/g, m, at = 0;
    text = text.trim().toLowerCase();
    while ((m = re.exec(text))) {
      var before = text.slice(at, m.index), v = /(^|[^a-z])v$/.test(before);
      if (v) before = before.slice(0, -1);
      if (before.trim()) out.push(before.trim());
      var nums = m[0].replace(/,/g, "").split("."), n, u = "";
      var unit = /^\s*([a-zµ]+(?:\/[a-z]+)?)/.exec(text.slice(re.lastIndex)) || ["", ""];
      if (versions || v || nums.length > 2) n = nums.map(Number);
      else {
        n = [parseFloat(nums.join("."))];
        u = unit[1];
        var p = /^([kmgtp])(i?)(b|bits?|bps|hz|bytes?)(\/s)?$/.exec(u);
        if (TIME[u]) { n[0] *= TIME[u]; u = "s"; }
        else if (p) { n[0] *= SCALE[p[1] + p[2]]; u = p[3] + (p[4] || ""); }
        if (u) re.lastIndex += unit[0].length;
      }
      out.push({ n: n, u: u });
      at = re.lastIndex;
    }
    if (text.slice(at).trim()) out.push(text.slice(at).trim());
    return out;
  };
  var cmpNum = function (x, y) {
    if (x.u !== y.u && x.u && y.u) return x.u < y.u ? -1 : 1;
    for (var i = 0; i < Math.max(x.n.length, y.n.length); i++) {
      var d = (x.n[i] || 0) - (y.n[i] || 0);
      if (d) return d < 0 ? -1 : 1;
    }
    return 0;
  };
  var cmpParts = function (a, b) {
    for (var i = 0; i < Math.min(a.length, b.length); i++) {
      var xs = typeof a[i] === "string", ys = typeof b[i] === "string";
      var c = xs !== ys ? (xs ? 1 : -1) : xs ? (a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0) : cmpNum(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  };
  var text = function (el, sel, drop) { var e = el.querySelector(sel); return e ? e.textContent.replace(drop, "") : ""; };
  var keyOf = function (cell, byLevel) {
    if (!cell) return { r: 0, v: [], s: [], u: [] };
    var lvl = cell.getAttribute("data-level"), c = cell.querySelector(".cell");
    var r = byLevel && lvl != null ? ORDER.indexOf(lvl) : 0;
    if (r < 0) r = ORDER.indexOf("text");
    if (!c) return { r: r, v: parts(cell.textContent), s: [], u: [] };
    return {
      r: r,
      v: parts(text(c, ".cell-value", "") || text(c, ".cell-note", "")),
      s: parts(text(c, ".cell-since", /^\s*since/), true),
      u: parts(text(c, ".cell-until", /^\s*removed in/), true)
    };
  };
  var compare = function (a, b) {
    return a.r - b.r || cmpParts(a.v, b.v) || cmpParts(a.s, b.s) || cmpParts(a.u, b.u);
  };
  $$("table[data-sortable]").forEach(function (table) {
    var heads = $$("thead th", table);
    heads.forEach(function (th, col) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "sort-button";
      var link = th.querySelector("a");
      // Keep the header's link usable: the button sorts, the link (if any) still navigates.
      if (link) {
        btn.setAttribute("aria-label", fmt(S.sort_by, { column: th.textContent.trim() }));
        th.appendChild(document.createTextNode(" "));
        th.appendChild(btn);
      } else {
        while (th.firstChild) btn.appendChild(th.firstChild);
        th.appendChild(btn);
      }
      btn.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
        var sign = dir === "ascending" ? 1 : -1;
        $$("tbody", table).forEach(function (body) {
          var rows = $$("tr", body).filter(function (r) { return !r.classList.contains("group"); });
          rows.forEach(function (r, i) { if (!r.hasAttribute("data-order")) r.setAttribute("data-order", i); });
          rows.sort(function (a, b) {
            var c = compare(keyOf(a.children[col], col > 0), keyOf(b.children[col], col > 0));
            return c ? c * sign : a.getAttribute("data-order") - b.getAttribute("data-order");
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });
    });
  });

  /* ---- filters: text, group, subjects shown, only differences ---- */
  $$("form[data-table-tools]").forEach(function (form) {
    var id = form.getAttribute("data-table-tools");
    var table = document.querySelector('table[data-filterable="' + id + '"]');
    var status = document.querySelector('[data-table-status="' + id + '"]');
    if (!table) return;
    form.hidden = false;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    var text = form.querySelector("[data-filter-text]");
    var group = form.querySelector("[data-filter-group]");
    var diff = form.querySelector("[data-filter-diff]");
    var cols = $$("[data-filter-columns] input", form);
    var total = $$("tbody tr:not(.group)", table).length;
    var apply = function () {
      var q = (text && text.value || "").trim().toLowerCase().split(/\s+/).filter(Boolean);
      var g = group ? group.value : "";
      var shown = {};
      cols.forEach(function (c) { shown[c.value] = c.checked; });
      // Hide unticked subject columns (column 0 is the feature name).
      $$("tr", table).forEach(function (tr) {
        $$(":scope > td, :scope > th", tr).forEach(function (cell, i) {
          if (i > 0 && !tr.classList.contains("group")) cell.hidden = shown[i] === false;
        });
      });
      var visible = 0;
      $$("tbody", table).forEach(function (body) {
        var inGroup = !g || body.getAttribute("data-group") === g;
        var any = false;
        $$("tr:not(.group)", body).forEach(function (tr) {
          var ok = inGroup;
          if (ok && q.length) {
            var t = tr.textContent.toLowerCase();
            ok = q.every(function (w) { return t.indexOf(w) !== -1; });
          }
          if (ok && diff && diff.checked) {
            // Differences among the subjects still shown.
            var keys = {};
            var n = 0;
            $$("td", tr).forEach(function (td, i) {
              if (shown[i + 1] === false) return;
              var k = td.getAttribute("data-key") || td.textContent.trim();
              if (!keys[k]) { keys[k] = 1; n++; }
            });
            ok = n > 1;
          }
          tr.hidden = !ok;
          if (ok) { any = true; visible++; }
        });
        body.hidden = !any;
      });
      if (status) status.textContent = visible === total ? "" : fmt(S.showing, { shown: visible, total: total });
    };
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    apply();
  });

  /* ---- table of contents: mark the section being read ---- */
  var tocLinks = $$(".toc a[href^='#']");
  if (tocLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    tocLinks.forEach(function (a) { byId[decodeURIComponent(a.getAttribute("href").slice(1))] = a; });
    var current = null;
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting && byId[e.target.id]) {
          if (current) current.removeAttribute("aria-current");
          current = byId[e.target.id];
          current.setAttribute("aria-current", "true");
        }
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    Object.keys(byId).forEach(function (id) { var el = document.getElementById(id); if (el) io.observe(el); });
  }
})();
