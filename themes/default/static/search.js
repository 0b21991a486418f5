/* versus default theme: site search with no server. The index (search-index.json, written by
   versus at build time) is fetched the first time a search box is focused or `/` is pressed.
   Index format: {"v":1,"docs":[[title, url, kind, description, headings, subjects, text]]}
   where headings is [[title, id], …] and subjects a string. */
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-search]"));
  if (!boxes.length || !window.fetch) return;
  var KIND = { a: "Article", s: "Subject", f: "Feature", p: "Compare", c: "Section", t: "Tag", h: "Home" };
  var docs = null, loading = null;

  var load = function (url) {
    if (!loading) {
      loading = fetch(url).then(function (r) { return r.json(); }).then(function (j) {
        docs = j.docs.map(function (d) {
          return { title: d[0], url: d[1], kind: d[2], desc: d[3] || "", heads: d[4] || [], subj: d[5] || "", text: d[6] || "",
            lt: d[0].toLowerCase(), ld: (d[3] || "").toLowerCase(), ls: (d[5] || "").toLowerCase(), lx: (d[6] || "").toLowerCase(),
            lh: (d[4] || []).map(function (h) { return h[0].toLowerCase(); }) };
        });
        return docs;
      });
    }
    return loading;
  };

  var esc = function (s) { return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); };
  var mark = function (s, words) {
    var out = esc(s);
    words.forEach(function (w) {
      if (w.length < 2) return;
      out = out.replace(new RegExp("(" + esc(w).replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "ig"), "<mark>$1</mark>");
    });
    return out;
  };
  var snippet = function (text, w) {
    var i = text.toLowerCase().indexOf(w);
    if (i < 0) return "";
    var s = Math.max(0, i - 40);
    return (s ? "…" : "") + text.slice(s, i + 80).trim() + "…";
  };

  /* Every word must occur somewhere; title hits weigh most, then headings, subjects and
     features, description, text. A heading hit links straight to that heading. */
  var search = function (q) {
    var words = q.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var hits = [];
    docs.forEach(function (d) {
      var score = 0, head = null;
      for (var k = 0; k < words.length; k++) {
        var w = words[k], s = 0;
        var ti = d.lt.indexOf(w);
        if (ti === 0) s += 12; else if (ti > 0) s += 8;
        for (var h = 0; h < d.lh.length; h++) if (d.lh[h].indexOf(w) !== -1) { s += 4; if (!head) head = d.heads[h]; break; }
        if (d.ls.indexOf(w) !== -1) s += 3;
        if (d.ld.indexOf(w) !== -1) s += 2;
        if (d.lx.indexOf(w) !== -1) s += 1;
        if (!s) return;
        score += s;
      }
      if (d.kind === "s" || d.kind === "f") score += 1;
      if (d.kind === "t") score -= 6; // a tag page is rarely what the reader wants first
      hits.push({ d: d, score: score, head: head });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.d.title.length - b.d.title.length; });
    return hits.slice(0, 12).map(function (h) {
      var d = h.d, sub = "";
      var titleHit = words.some(function (w) { return d.lt.indexOf(w) !== -1; });
      if (h.head && !titleHit) sub = "§ " + h.head[0];
      else if (d.desc) sub = d.desc;
      else sub = snippet(d.text, words[0]);
      if (!titleHit && !h.head) { var sn = snippet(d.text, words[0]); if (sn) sub = sn; }
      return { url: h.head && !titleHit ? d.url + "#" + h.head[1] : d.url, title: d.title, kind: KIND[d.kind] || "", sub: sub, words: words };
    });
  };

  boxes.forEach(function (box) {
    var input = box.querySelector("input");
    var list = box.querySelector(".search-results");
    var active = -1, results = [];
    box.hidden = false;
    var close = function () { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; };
    var setActive = function (i) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (i + items.length) % items.length;
      for (var k = 0; k < items.length; k++) items[k].setAttribute("aria-selected", String(k === active));
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    };
    var render = function () {
      var q = input.value.trim();
      if (!q) { close(); list.innerHTML = ""; return; }
      if (!docs) { load(input.getAttribute("data-index")).then(render); return; }
      results = search(q);
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.innerHTML = results.length ? results.map(function (r, i) {
        return '<li role="option" id="' + input.id + "-r" + i + '" aria-selected="false"><a href="' + esc(r.url) + '" tabindex="-1">' +
          '<span class="r-kind">' + r.kind + '</span><span class="r-title">' + mark(r.title, r.words) + "</span>" +
          (r.sub ? '<span class="r-sub">' + mark(r.sub, r.words) + "</span>" : "") + "</a></li>";
      }).join("") : '<li class="r-empty" role="option" aria-disabled="true" id="' + input.id + '-none" aria-selected="false">No results for “' + esc(q) + "”</li>";
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    };
    input.addEventListener("focus", function () { load(input.getAttribute("data-index")); if (input.value) render(); });
    input.addEventListener("input", render);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) render(); setActive(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Enter") {
        var r = results[active >= 0 ? active : 0];
        if (r && !list.hidden) { e.preventDefault(); window.location.href = r.url; }
      } else if (e.key === "Escape") { if (!list.hidden) { close(); } else { input.value = ""; input.blur(); } }
    });
    box.addEventListener("focusout", function (e) { if (!box.contains(e.relatedTarget)) setTimeout(close, 150); });
  });

  // `/` focuses the first search box, unless the reader is typing somewhere.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    var target = document.querySelector("main [data-search] input") || boxes[0].querySelector("input");
    target.focus();
  });
})();
