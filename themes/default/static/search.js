/* versus default theme: site search with no server. The index is a folder of small JSON files
   written at build time (src/outputs/search/mod.rs documents them): the manifest `index.json`
   is fetched the first time a search box is focused or `/` is pressed; then, per word typed,
   the one shard holding the words that start like it; then the records of the results shown.
   Every word must start a word of the title, of a subject or feature compared, or of the
   description; once page text (headings and the first lines) is loaded — in the background on
   small sites, when the reader asks on large ones — a word may also occur anywhere in it. */
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-search]"));
  if (!boxes.length || !window.fetch || !window.Map || !window.TextEncoder) return;
  /* Interface strings: the page's own (base.html writes them as JSON for a site whose
     language is not the built-in English), else these. `{name}` is filled by fmt(). */
  var S = (function (d) {
    var el = document.getElementById("versus-strings");
    try { var o = el ? JSON.parse(el.textContent) : {}; for (var k in o) d[k] = o[k]; } catch (e) {}
    return d;
  })({
    kind_a: "Article",
    kind_s: "Subject",
    kind_f: "Feature",
    kind_g: "Group",
    kind_p: "Compare",
    kind_c: "Section",
    kind_t: "Tag",
    kind_h: "Home",
    no_results: "No results for “{query}”",
    searching_text: "Searching page text…",
    text_failed: "Page text could not be loaded",
    search_text: "Search the text of {count} pages too"
  });
  var fmt = function (s, o) { return s.replace(/\{(\w+)\}/g, function (m, k) { return k in o ? o[k] : m; }); };
  var KIND = {};
  "a s f g p c t h".split(" ").forEach(function (k) { KIND[k] = S["kind_" + k]; });
  var CLASS_SCORE = [12, 8, 3, 2], HEAD_SCORE = 4, TEXT_SCORE = 1, SHOWN = 12;
  var SPLIT;
  try { SPLIT = new RegExp("[^\\p{Alphabetic}\\p{N}]+", "u"); } catch (e) { SPLIT = /[^0-9a-z\u00c0-\uffff]+/; }

  var root = "", man = null, loading = null, files = Object.create(null);
  var leaves = Object.create(null), nodes = Object.create(null);
  var text = null, textLoading = null, onText = [];

  var json = function (url) {
    return fetch(url).then(function (r) { if (!r.ok) throw new Error(r.status + " " + url); return r.json(); });
  };
  var get = function (name) {
    if (!files[name]) files[name] = json(root + name).catch(function (e) { delete files[name]; throw e; });
    return files[name];
  };
  var load = function (url) {
    if (!loading) {
      root = url.replace(/[^\/]*$/, "");
      loading = json(url).then(function (m) {
        man = m;
        m.leaves.forEach(function (k) { leaves[k] = true; });
        m.nodes.forEach(function (k) { nodes[k] = true; });
        if (m.text.auto) loadText().catch(function () {});
        return m;
      }, function (e) { loading = null; throw e; });
    }
    return loading;
  };
  var loadText = function () {
    if (!textLoading) {
      var parts = [];
      for (var i = 0; i * man.text.chunk < man.text.pages; i++) parts.push(get("t-" + i + ".json"));
      textLoading = Promise.all(parts).then(function (all) {
        var t = new Map();
        all.forEach(function (part) {
          part.forEach(function (e) {
            t.set(e[0], { heads: e[1], lh: e[1].map(function (h) { return h[0].toLowerCase(); }), text: e[2], lx: e[2].toLowerCase() });
          });
        });
        text = t;
        onText.forEach(function (f) { f(); });
      }, function (e) { textLoading = null; throw e; });
    }
    return textLoading;
  };

  /* Shard file names: a prefix of plain a-z0-9 as it is, else "_" + the hex of its UTF-8. */
  var fileName = function (k) {
    if (/^[a-z0-9]+$/.test(k)) return k;
    return "_" + Array.prototype.map.call(new TextEncoder().encode(k), function (b) { return (b + 256).toString(16).slice(1); }).join("");
  };
  /* The shard for words starting with `w`: the leaf whose prefix starts `w`, or the merged
     node when `w` is itself a split prefix; null when no word starts so. */
  var shardOf = function (w) {
    if (leaves[""]) return { file: "w-_.json", leaf: true };
    var k = "", cs = Array.from(w);
    for (var i = 0; i < cs.length; i++) {
      k += cs[i];
      if (leaves[k]) return { file: "w-" + fileName(k) + ".json", leaf: true };
      if (!nodes[k]) return null;
    }
    return { file: "n-" + fileName(k) + ".json", leaf: false };
  };
  /* Delta-encoded id lists, one per class (best first) → id → best class. */
  var addLists = function (hits, lists) {
    for (var c = 0; c < lists.length; c++) {
      for (var j = 0, id = 0; j < lists[c].length; j++) {
        id += lists[c][j];
        var o = hits.get(id);
        if (o === undefined || c < o) hits.set(id, c);
      }
    }
  };
  /* Documents with a word starting with `w` (id → best class), and those with `w` itself. */
  var postings = function (w) {
    var s = shardOf(w), hits = new Map(), exact = new Map();
    if (!s) return Promise.resolve({ hits: hits, exact: exact });
    return get(s.file).then(function (j) {
      if (!s.leaf) addLists(hits, j[""]);
      else Object.keys(j).forEach(function (k) { if (k.lastIndexOf(w, 0) === 0) addLists(hits, j[k]); });
      if (Object.prototype.hasOwnProperty.call(j, w)) addLists(exact, j[w]);
      return { hits: hits, exact: exact };
    });
  };
  var kindOf = function (id) {
    var k = man.kinds, r = k[0][0];
    for (var i = 0; i < k.length && k[i][1] <= id; i++) r = k[i][0];
    return r;
  };

  /* One word's matches: id → {s: score, head: heading hit, title: whether in the title}. */
  var matches = function (w, p) {
    var m = new Map();
    p.hits.forEach(function (c, id) { m.set(id, { s: CLASS_SCORE[c] + (p.exact.has(id) ? 1 : 0), head: null, title: c < 2 }); });
    if (text) text.forEach(function (e, id) {
      var head = null;
      for (var h = 0; h < e.lh.length; h++) if (e.lh[h].indexOf(w) !== -1) { head = e.heads[h]; break; }
      var s = head ? HEAD_SCORE : e.lx.indexOf(w) !== -1 ? TEXT_SCORE : 0, cur = m.get(id);
      if (!s) return;
      if (!cur) m.set(id, { s: s, head: head, title: false });
      else { if (s > cur.s) cur.s = s; if (!cur.head) cur.head = head; }
    });
    return m;
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
  var snippet = function (t, w) {
    var i = t.toLowerCase().indexOf(w);
    if (i < 0) return "";
    var s = Math.max(0, i - 40);
    return (s ? "…" : "") + t.slice(s, i + 80).trim() + "…";
  };

  /* Every word must match; a document scores the sum of each word's best place (title start
     12, title 8, heading 4, subject or feature compared 3, description 2, text 1; +1 when a
     word is the whole query word), subjects and features +1, tags -6; equal scores keep index
     order (kind, then title). A heading hit links straight to that heading. */
  var search = function (q) {
    var words = q.toLowerCase().split(SPLIT).filter(Boolean);
    if (!words.length) return Promise.resolve([]);
    return Promise.all(words.map(postings)).then(function (hits) {
      var per = words.map(function (w, i) { return matches(w, hits[i]); });
      per.sort(function (a, b) { return a.size - b.size; });
      var found = [];
      per[0].forEach(function (first, id) {
        var score = 0, head = null, title = false;
        for (var i = 0; i < per.length; i++) {
          var m = i ? per[i].get(id) : first;
          if (!m) return;
          score += m.s; head = head || m.head; title = title || m.title;
        }
        var kind = kindOf(id);
        if (kind === "s" || kind === "f") score += 1;
        if (kind === "t") score -= 6; // a tag page is rarely what the reader wants first
        found.push({ id: id, kind: kind, score: score, head: head, title: title });
      });
      found.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
      found = found.slice(0, SHOWN);
      return Promise.all(found.map(function (h) { return get("d-" + Math.floor(h.id / man.chunk) + ".json"); })).then(function (chunks) {
        return found.map(function (h, i) {
          var rec = chunks[i][h.id % man.chunk], path = rec[1], desc = rec[2] || "", t = text && text.get(h.id);
          var url = man.base + (path.charAt(0) === "/" ? path.slice(1) : (man.paths[h.kind] || "") + path + "/");
          var sub = desc;
          if (h.head && !h.title) { sub = "§ " + h.head[0]; url += "#" + h.head[1]; }
          else if (t && (!h.title || !desc)) sub = snippet(t.text, words[0]) || desc;
          return { url: url, title: rec[0], kind: KIND[h.kind] || "", sub: sub };
        });
      }).then(function (results) { return { words: words, results: results }; });
    });
  };

  boxes.forEach(function (box) {
    var input = box.querySelector("input");
    var list = box.querySelector(".search-results");
    var index = input.getAttribute("data-index");
    var active = -1, results = [], shownQuery = null, seq = 0;
    box.hidden = false;
    var close = function () { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; };
    var options = function () { return list.querySelectorAll("[role=option]"); };
    var setActive = function (i) {
      var items = options();
      if (!items.length) return;
      active = (i + items.length) % items.length;
      for (var k = 0; k < items.length; k++) items[k].setAttribute("aria-selected", String(k === active));
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    };
    var searchText = function () {
      var more = list.querySelector(".r-more");
      if (more) more.textContent = S.searching_text;
      loadText().then(render, function () { if (more) more.textContent = S.text_failed; });
    };
    var show = function (q, out) {
      var keep = q === shownQuery ? active : -1;
      results = out.results;
      shownQuery = q;
      var id = input.id + "-r";
      var html = results.map(function (r, i) {
        return '<li role="option" id="' + id + i + '" aria-selected="false"><a href="' + esc(r.url) + '" tabindex="-1">' +
          '<span class="r-kind">' + esc(r.kind) + '</span><span class="r-title">' + mark(r.title, out.words) + "</span>" +
          (r.sub ? '<span class="r-sub">' + mark(r.sub, out.words) + "</span>" : "") + "</a></li>";
      }).join("");
      if (!results.length) html = '<li class="r-empty" role="option" aria-disabled="true" id="' + input.id + '-none" aria-selected="false">' + esc(fmt(S.no_results, { query: q })) + "</li>";
      if (!text && !man.text.auto) {
        html += '<li class="r-more" role="option" id="' + id + 'more" aria-selected="false">' +
          esc(textLoading ? S.searching_text : fmt(S.search_text, { count: man.text.pages.toLocaleString(document.documentElement.lang || undefined) })) + "</li>";
      }
      list.innerHTML = html;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (keep >= 0) setActive(keep);
    };
    var render = function () {
      var q = input.value.trim(), my = ++seq;
      if (!q) { close(); list.innerHTML = ""; shownQuery = null; results = []; return Promise.resolve(); }
      return load(index).then(function () { return search(q); }).then(function (out) {
        if (my === seq) show(q, out);
      }, function () {
        if (my !== seq) return;
        results = [];
        list.innerHTML = '<li class="r-empty" role="option" aria-disabled="true" id="' + input.id + '-none" aria-selected="false">Search is unavailable right now</li>';
        list.hidden = false;
      });
    };
    onText.push(function () { if (!list.hidden && input.value.trim()) render(); });
    input.addEventListener("focus", function () { load(index).catch(function () {}); if (input.value) render(); });
    input.addEventListener("input", render);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (list.hidden) render().then(function () { setActive(active + 1); }); else setActive(active + 1);
      } else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Enter") {
        if (list.hidden) return;
        var item = options()[active];
        if (item && item.classList.contains("r-more")) { e.preventDefault(); searchText(); return; }
        var r = results[active >= 0 ? active : 0];
        if (r) { e.preventDefault(); window.location.href = r.url; }
      } else if (e.key === "Escape") { if (!list.hidden) { close(); } else { input.value = ""; input.blur(); } }
    });
    // The "search page text" option: keep the focus in the box, act on click.
    list.addEventListener("mousedown", function (e) { if (e.target.closest(".r-more")) e.preventDefault(); });
    list.addEventListener("click", function (e) { if (e.target.closest(".r-more")) searchText(); });
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
