/* versus default theme: the reader's own comparison (partials/compare_view.html on /compare/
   and the group pages). The reader picks subjects, a feature group and "only differences"; the
   choice lives in the URL (?s=a,b&g=<group>&diff=1) so it survives a reload and can be shared.
   The data (compare/data/index.json, then one file per group; format at the top of
   src/outputs/compare.rs) is fetched only when the reader opens the view or arrives with a
   choice in the URL. Long tables are rendered one slice at a time. Without JavaScript the
   section stays hidden and the static tables are the comparison.
   History: every choice is a history entry (pushState), so Back undoes the last one, as on
   a search page with filters; opening the view is one too, so Back closes it again. */
(function () {
  "use strict";
  var view = document.querySelector("[data-compare-view]");
  if (!view || !window.fetch || !history.pushState) return;
  var body = view.querySelector("[data-compare-body]");
  /* Interface strings: the page's own (base.html writes them as JSON for a site whose
     language is not the built-in English), else these. `{name}` is filled by fmt(). */
  var S = (function (d) {
    var el = document.getElementById("versus-strings");
    try { var o = el ? JSON.parse(el.textContent) : {}; for (var k in o) d[k] = o[k]; } catch (e) {}
    return d;
  })({
    legend: "Legend",
    legend_title: "Legend:",
    not_stated: "Not stated",
    col_feature: "Feature",
    sort_by: "Sort by {column}",
    list_separator: ", ",
    thousands_separator: ",",
    and: " and ",
    cv_intro: "Pick the subjects you care about, one feature group, and only the differences if you like; the address bar keeps your choice to share or come back to.",
    cv_open: "Build your comparison",
    cv_loading: "Loading the comparison…",
    cv_failed: "The comparison data could not be loaded ({error}). The tables below show every feature.",
    cv_subjects: "Subjects",
    cv_count: "({count} of {total})",
    cv_chosen: "Chosen subjects",
    cv_find: "Find a subject",
    cv_find_placeholder: "Name…",
    cv_find_help: "Enter adds the first match.",
    cv_no_match: "No subject matches.",
    cv_defaults: "Default subjects",
    cv_none: "None",
    cv_group: "Group",
    cv_all_groups: "All groups ({count})",
    cv_only_differences: "Only differences",
    cv_remove: "Remove {subject}",
    cv_choose: "Choose at least one subject above.",
    cv_none_chosen: "No subjects chosen.",
    cv_left_out: "{text} Left out of the address: {notes}.",
    cv_no_subject: "no subject “{id}”",
    cv_no_group: "no group “{id}”",
    cv_in_group: "in {group}",
    cv_in_all: "in all groups",
    cv_head: "Comparing {subjects} {where}: {summary}.",
    cv_subject_count_one: "{count} subject",
    cv_subject_count_other: "{count} subjects",
    cv_feature_count_one: "{count} feature",
    cv_feature_count_other: "{count} features",
    cv_differ_of_one: "{count} of {features} differs",
    cv_differ_of_other: "{count} of {features} differ",
    cv_features_differ_one: "{features}, {count} of them differs",
    cv_features_differ_other: "{features}, {count} of them differ",
    cv_empty_diff: "No feature differs between {names} {where}.",
    cv_empty: "Nothing is stated about {names} {where}.",
    cv_caption: "{names} {where}",
    cv_caption_diff: "{names} {where}, only differences",
    cv_showing_first: "{text} Showing the first {count}.",
    cv_showing_all: "{text} Showing all {count}.",
    cv_more: "Show {count} more ({left} not shown yet)"
  });
  var fmt = function (s, o) { return s.replace(/\{(\w+)\}/g, function (m, k) { return k in o ? o[k] : m; }); };
  /* Plural forms by the page language's rules: `key_one`, `key_few`, … else `key_other`. */
  var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en") : null;
  var plural = function (key, n, o) {
    var form = S[key + "_" + (rules ? rules.select(n) : n === 1 ? "one" : "other")] || S[key + "_other"];
    o = o || {};
    o.count = num(n);
    return fmt(form, o);
  };
  var ALL_MAX = 2000;      // "All groups" is offered while all groups hold at most this many features
  var CELLS = 2400;        // cells per rendered slice: 200 rows of 12 subjects, 400 rows of 2 …
  var FEW = 12;            // more subjects than this: a filter box, and the chosen ones as chips
  /* Cells sort by the site's order of levels, as the static tables do (site.js). */
  var ORDER = (document.body.getAttribute("data-level-order") || "yes partial plugin text unknown n/a no none").split(" ");
  var rank = function (level) {
    var i = ORDER.indexOf(level);
    return ("00" + (i < 0 ? ORDER.length : i)).slice(-3);
  };

  var index = null;        // the parsed index.json
  var files = {};          // group slug → promise of its data file
  var state = { s: [], g: "", diff: false };
  var notes = [];          // what the URL asked for that does not exist
  var ui = null;           // the controls, once built
  var rows = [];           // the rows of the current choice, in display order
  var shown = 0;           // how many of them are in the table
  var sort = { col: -1, dir: 1 };
  var token = 0;           // the newest update; older fetches that finish late are dropped

  var esc = function (s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };
  var num = function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, S.thousands_separator); };
  var dec = function (x) { try { return decodeURIComponent(x.replace(/\+/g, " ")); } catch (e) { return x; } };
  var list = function (names) {
    return names.length < 3 ? names.join(S.and) : names.slice(0, -1).join(S.list_separator) + S.and + names[names.length - 1];
  };

  /* ---- the choice in the URL ---- */
  var OURS = { s: 1, g: 1, diff: 1 };
  var params = function () {
    return location.search.replace(/^\?/, "").split("&").filter(Boolean).map(function (kv) {
      var i = kv.indexOf("=");
      return { raw: kv, key: dec(i < 0 ? kv : kv.slice(0, i)), value: i < 0 ? "" : kv.slice(i + 1) };
    });
  };
  var readUrl = function () {
    var u = { s: null, g: null, diff: false, any: false };
    params().forEach(function (p) {
      if (!OURS[p.key]) return;
      u.any = true;
      if (p.key === "s") u.s = p.value.split(",").map(dec).filter(Boolean);
      else if (p.key === "g") u.g = dec(p.value);
      else u.diff = p.value === "1" || p.value === "true";
    });
    return u;
  };
  // Ids are joined with literal commas; a comma inside an id is escaped as %2C.
  var urlFor = function (st) {
    var q = params().filter(function (p) { return !OURS[p.key]; }).map(function (p) { return p.raw; });
    q.push("s=" + st.s.map(encodeURIComponent).join(","));
    if (st.g) q.push("g=" + encodeURIComponent(st.g));
    if (st.diff) q.push("diff=1");
    return location.pathname + "?" + q.join("&") + location.hash;
  };

  /* ---- data ---- */
  var getJSON = function (url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return r.json();
    }).then(function (d) {
      if (!d || d.v !== 1) throw new Error("unknown data version in " + url);
      return d;
    });
  };
  var indexPromise = null;
  var loadIndex = function () {
    if (!indexPromise) {
      indexPromise = getJSON(view.getAttribute("data-compare-view")).then(function (d) {
        index = d;
        index.total = d.groups.reduce(function (n, g) { return n + g[2]; }, 0);
        index.bySubject = {};
        d.subjects.forEach(function (s, i) { index.bySubject[s[0]] = i; });
        index.byGroup = {};
        d.groups.forEach(function (g, i) { index.byGroup[g[1]] = i; });
        return d;
      });
      indexPromise.catch(function () { indexPromise = null; });
    }
    return indexPromise;
  };
  var loadGroup = function (slug) {
    if (!files[slug]) {
      files[slug] = getJSON(index.groups[index.byGroup[slug]][3]);
      files[slug].catch(function () { delete files[slug]; });
    }
    return files[slug];
  };
  var allowAll = function () { return index.total <= ALL_MAX || index.groups.length === 1; };
  // Without a group in the URL: all of them where that is small enough, else the first.
  var defaultGroup = function () {
    return allowAll() || !index.groups.length ? "" : index.groups[0][1];
  };

  /* What the URL asks for, made valid: known subjects once each, a known group. */
  var normalise = function (u) {
    notes = [];
    var st = { s: [], g: "", diff: !!u.diff };
    var wanted = u.s;
    if (wanted == null) {
      wanted = (view.getAttribute("data-default-subjects") || "").split(",").filter(Boolean);
      if (!wanted.length) wanted = index.subjects.slice(0, 4).map(function (s) { return s[0]; });
    }
    wanted.forEach(function (id) {
      if (index.bySubject[id] == null) notes.push(fmt(S.cv_no_subject, { id: id }));
      else if (st.s.indexOf(id) < 0) st.s.push(id);
    });
    if (u.g && index.byGroup[u.g] != null) st.g = u.g;
    else {
      if (u.g) notes.push(fmt(S.cv_no_group, { id: u.g }));
      st.g = defaultGroup();
    }
    return st;
  };

  /* ---- the closed view: one sentence and a button ---- */
  var status = document.createElement("p");
  status.className = "table-status compare-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  var say = function (text) { status.textContent = text; };
  // Marks what the view shows as settled, for tests and for scripts that wait on the view.
  var settled = function () { view.setAttribute("data-rendered", location.search); };

  var showIntro = function () {
    ui = null;
    body.innerHTML =
      '<div class="compare-intro"><p>' + esc(S.cv_intro) + '</p>' +
      '<button type="button" class="button button-primary" data-cv-open>' + esc(S.cv_open) + '</button></div>';
    body.appendChild(status);
    say("");
    settled();
    body.querySelector("[data-cv-open]").addEventListener("click", function () {
      // On a group's page the view starts with that group.
      var u = readUrl();
      if (u.g == null) u.g = view.getAttribute("data-group");
      start(u, true, true);
    });
  };

  var start = function (u, push, focus) {
    say(S.cv_loading);
    loadIndex().then(function () {
      state = normalise(u);
      if (push) history.pushState(null, "", urlFor(state));
      if (!ui) buildControls();
      syncControls();
      if (focus) ui.first.focus();
      update();
    }).catch(function (e) {
      say(fmt(S.cv_failed, { error: e.message }));
      settled();
    });
  };

  var commit = function () {
    history.pushState(null, "", urlFor(state));
    notes = [];
    update();
  };

  /* ---- the controls ---- */
  var buildControls = function () {
    var many = index.subjects.length > FEW;
    var h = '<form class="table-tools compare-tools" data-cv-form>' +
      '<fieldset class="compare-subjects' + (many ? " many" : "") + '"><legend>' + esc(S.cv_subjects) + ' <span class="compare-count" data-cv-count></span></legend>';
    if (many) {
      h += '<ul class="chips compare-chosen" data-cv-chosen aria-label="' + esc(S.cv_chosen) + '"></ul>' +
        '<div class="field"><label for="cv-find">' + esc(S.cv_find) + '</label>' +
        '<input id="cv-find" type="search" autocomplete="off" placeholder="' + esc(S.cv_find_placeholder) + '" aria-describedby="cv-find-help" data-cv-find>' +
        '<span class="compare-help" id="cv-find-help">' + esc(S.cv_find_help) + '</span></div>';
    }
    h += '<ul class="compare-picker" data-cv-picker>';
    // Alphabetical, the order a reader scans a long list in.
    index.subjects.slice().sort(function (a, b) { return a[1].localeCompare(b[1]); }).forEach(function (s) {
      h += '<li><label><input type="checkbox" value="' + esc(s[0]) + '"> ' + esc(s[1]) + "</label></li>";
    });
    h += "</ul>";
    if (many) h += '<p class="compare-help" data-cv-nomatch hidden>' + esc(S.cv_no_match) + '</p>';
    h += '<p class="compare-actions"><button type="button" class="link-button" data-cv-defaults>' + esc(S.cv_defaults) + '</button>' +
      '<button type="button" class="link-button" data-cv-clear>' + esc(S.cv_none) + '</button></p></fieldset>';
    if (index.groups.length > 1) {
      h += '<div class="field"><label for="cv-group">' + esc(S.cv_group) + '</label><select id="cv-group" data-cv-group>';
      if (allowAll()) h += '<option value="">' + esc(fmt(S.cv_all_groups, { count: num(index.total) })) + "</option>";
      index.groups.forEach(function (g) {
        h += '<option value="' + esc(g[1]) + '">' + esc(g[0]) + " (" + num(g[2]) + ")</option>";
      });
      h += "</select></div>";
    }
    h += '<label class="check"><input type="checkbox" data-cv-diff> ' + esc(S.cv_only_differences) + '</label></form>' +
      '<div data-cv-results></div>';
    body.innerHTML = h;
    body.insertBefore(status, body.querySelector("[data-cv-results]"));
    var q = function (sel) { return body.querySelector(sel); };
    ui = {
      form: q("[data-cv-form]"), count: q("[data-cv-count]"), chosen: q("[data-cv-chosen]"),
      find: q("[data-cv-find]"), nomatch: q("[data-cv-nomatch]"), picker: q("[data-cv-picker]"),
      group: q("[data-cv-group]"), diff: q("[data-cv-diff]"), results: q("[data-cv-results]"),
      boxes: Array.prototype.slice.call(body.querySelectorAll("[data-cv-picker] input"))
    };
    ui.first = ui.find || ui.boxes[0] || ui.diff;
    ui.form.addEventListener("submit", function (e) { e.preventDefault(); });
    ui.picker.addEventListener("change", function (e) {
      var id = e.target.value;
      var at = state.s.indexOf(id);
      if (e.target.checked && at < 0) state.s.push(id);
      if (!e.target.checked && at >= 0) state.s.splice(at, 1);
      syncControls();
      commit();
    });
    q("[data-cv-defaults]").addEventListener("click", function () {
      state.s = normalise({ s: null, g: state.g }).s;
      syncControls();
      commit();
    });
    q("[data-cv-clear]").addEventListener("click", function () {
      state.s = [];
      syncControls();
      commit();
    });
    if (ui.group) ui.group.addEventListener("change", function () { state.g = ui.group.value; commit(); });
    ui.diff.addEventListener("change", function () { state.diff = ui.diff.checked; commit(); });
    if (ui.find) {
      ui.find.addEventListener("input", filterPicker);
      ui.find.addEventListener("keydown", function (e) {
        if (e.key !== "Enter") return;
        e.preventDefault();
        if (!ui.find.value.trim()) return;
        var hit = ui.boxes.filter(function (b) { return !b.closest("li").hidden && !b.checked; })[0];
        if (!hit) return;
        state.s.push(hit.value);
        ui.find.value = "";
        filterPicker();
        syncControls();
        commit();
      });
    }
    if (ui.chosen) {
      ui.chosen.addEventListener("click", function (e) {
        var btn = e.target.closest("button[data-remove]");
        if (!btn) return;
        var at = state.s.indexOf(btn.getAttribute("data-remove"));
        if (at >= 0) state.s.splice(at, 1);
        syncControls();
        // Keep the keyboard where it was: the next chip, else the find box.
        var chips = ui.chosen.querySelectorAll("button");
        (chips[Math.min(at, chips.length - 1)] || ui.find).focus();
        commit();
      });
    }
  };

  var filterPicker = function () {
    var words = ui.find.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var any = false;
    ui.boxes.forEach(function (b) {
      var s = index.subjects[index.bySubject[b.value]];
      var text = (s[0] + " " + s[1]).toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      b.closest("li").hidden = !ok;
      any = any || ok;
    });
    ui.nomatch.hidden = any;
  };

  var syncControls = function () {
    ui.boxes.forEach(function (b) { b.checked = state.s.indexOf(b.value) >= 0; });
    ui.count.textContent = fmt(S.cv_count, { count: num(state.s.length), total: num(index.subjects.length) });
    if (ui.chosen) {
      ui.chosen.innerHTML = state.s.map(function (id) {
        var title = index.subjects[index.bySubject[id]][1];
        return '<li><button type="button" class="chip chip-subject" data-remove="' + esc(id) + '" aria-label="' +
          esc(fmt(S.cv_remove, { subject: title })) + '">' + esc(title) + ' <span aria-hidden="true">×</span></button></li>';
      }).join("");
    }
    if (ui.group) ui.group.value = state.g;
    ui.diff.checked = state.diff;
  };

  /* ---- the rows of the current choice ---- */
  var keyOf = function (c) { return c === 0 ? "0" : c[0] >= 0 ? "l" + c[0] : "t" + c[1]; };
  var levelOf = function (c) { return c === 0 ? "none" : c[0] >= 0 ? index.levels[c[0]][0] : "text"; };

  var update = function () {
    var my = ++token;
    var slugs = state.g ? [state.g] : index.groups.map(function (g) { return g[1]; });
    ui.results.setAttribute("aria-busy", "true");
    if (!state.s.length) {
      rows = [];
      ui.results.removeAttribute("aria-busy");
      ui.results.innerHTML = '<p class="compare-empty">' + esc(S.cv_choose) + "</p>";
      say(withNotes(S.cv_none_chosen));
      settled();
      return;
    }
    say(S.cv_loading);
    Promise.all(slugs.map(loadGroup)).then(function (data) {
      if (my !== token) return;
      var cols = state.s.map(function (id) { return index.bySubject[id]; });
      var pool = 0, differ = 0, used = {};
      rows = [];
      data.forEach(function (file, gi) {
        var group = index.groups[index.byGroup[slugs[gi]]];
        file.features.forEach(function (f, fi) {
          var all = file.cells[fi];
          var cells = cols.map(function (c) { return all[c]; });
          if (!cells.some(function (c) { return c !== 0; })) return;
          var keys = {};
          cells.forEach(function (c) { keys[keyOf(c)] = 1; });
          var differs = Object.keys(keys).length > 1;
          pool++;
          if (differs) differ++;
          if (state.diff && !differs) return;
          cells.forEach(function (c) { used[levelOf(c)] = 1; });
          rows.push({ name: f[0], url: f[1], cells: cells, differs: differs, group: gi, groupName: group[0], groupSlug: group[1], order: rows.length });
        });
      });
      sortRows();
      render(used, pool, differ, slugs.length === 1 ? index.groups[index.byGroup[slugs[0]]][0] : null);
    }).catch(function (e) {
      if (my !== token) return;
      ui.results.removeAttribute("aria-busy");
      say(fmt(S.cv_failed, { error: e.message }));
      settled();
    });
  };

  var withNotes = function (text) {
    return notes.length ? fmt(S.cv_left_out, { text: text, notes: list(notes) }) : text;
  };

  var sortRows = function () {
    var col = sort.col, dir = sort.dir;
    var key = function (r) {
      if (col === 0) return r.name.toLowerCase();
      var c = r.cells[col - 1];
      return rank(levelOf(c)) + " " + (c === 0 ? "" : String(c[1] || "")).toLowerCase();
    };
    rows.sort(function (a, b) {
      if (a.group !== b.group) return a.group - b.group;
      if (col >= 0) {
        var ka = key(a), kb = key(b);
        if (ka !== kb) return ka < kb ? -dir : dir;
      }
      return a.order - b.order;
    });
  };

  /* ---- the table ---- */
  var render = function (used, pool, differ, groupName) {
    var names = state.s.map(function (id) { return index.subjects[index.bySubject[id]][1]; });
    var where = groupName ? fmt(S.cv_in_group, { group: groupName }) : S.cv_in_all;
    var features = plural("cv_feature_count", pool);
    var summary = plural(state.diff ? "cv_differ_of" : "cv_features_differ", differ, { features: features });
    var head = fmt(S.cv_head, { subjects: plural("cv_subject_count", state.s.length), where: where, summary: summary });
    ui.results.removeAttribute("aria-busy");
    if (!rows.length) {
      ui.results.innerHTML = '<p class="compare-empty">' + esc(fmt(state.diff ? S.cv_empty_diff : S.cv_empty, { names: list(names), where: where })) + "</p>";
      say(withNotes(head));
      settled();
      return;
    }
    var legend = '<ul class="legend" aria-label="' + esc(S.legend) + '"><li class="legend-title" aria-hidden="true">' + esc(S.legend_title) + "</li>";
    index.levels.forEach(function (l) {
      if (used[l[0]]) legend += '<li><span class="badge badge-' + esc(l[3]) + '"><span class="icon" aria-hidden="true">' + esc(l[2]) + "</span>" + esc(l[1]) + "</span></li>";
    });
    legend += '<li><span class="badge badge-none">' + esc(S.not_stated) + "</span></li></ul>";
    var caption = fmt(state.diff ? S.cv_caption_diff : S.cv_caption, { names: list(names), where: where });
    var th = function (i, label, link, id) {
      var sorted = sort.col === i ? ' aria-sort="' + (sort.dir > 0 ? "ascending" : "descending") + '"' : "";
      return '<th scope="col"' + sorted + (id ? ' data-subject="' + esc(id) + '"' : "") + ">" + (link
        ? '<a href="' + esc(link) + '">' + esc(label) + '</a> <button type="button" class="sort-button" data-col="' + i + '" aria-label="' + esc(fmt(S.sort_by, { column: label })) + '"></button>'
        : '<button type="button" class="sort-button" data-col="' + i + '">' + esc(label) + "</button>") + "</th>";
    };
    var h = legend + '<div class="table-wrap tall"><table class="cmp matrix compare-table">' +
      '<caption class="visually-hidden">' + esc(caption) + "</caption><thead><tr>" + th(0, S.col_feature);
    state.s.forEach(function (id, i) { var s = index.subjects[index.bySubject[id]]; h += th(i + 1, s[1], s[2], id); });
    h += "</tr></thead></table></div>" +
      '<p class="compare-more" hidden><button type="button" class="button button-secondary" data-cv-more></button></p>';
    ui.results.innerHTML = h;
    ui.table = ui.results.querySelector("table");
    ui.more = ui.results.querySelector("[data-cv-more]");
    ui.more.addEventListener("click", function () {
      var first = shown;
      more();
      say(counts(head));
      // The keyboard goes on where the new rows start (the button may be gone now).
      var link = ui.table.querySelectorAll("tbody tr:not(.group)")[first];
      if (link) link.querySelector("a").focus();
      settled();
    });
    ui.table.querySelector("thead").addEventListener("click", function (e) {
      var btn = e.target.closest("button[data-col]");
      if (!btn) return;
      var col = +btn.getAttribute("data-col");
      sort = { col: col, dir: sort.col === col ? -sort.dir : 1 };
      Array.prototype.forEach.call(ui.table.querySelectorAll("thead th"), function (t, i) {
        if (i === col) t.setAttribute("aria-sort", sort.dir > 0 ? "ascending" : "descending");
        else t.removeAttribute("aria-sort");
      });
      sortRows();
      var keep = shown;
      Array.prototype.slice.call(ui.table.tBodies).forEach(function (b) { b.remove(); });
      shown = 0;
      more(keep);
      settled();
    });
    shown = 0;
    more();
    say(withNotes(counts(head)));
    settled();
  };

  var counts = function (head) {
    return shown < rows.length ? fmt(S.cv_showing_first, { text: head, count: num(shown) })
      : rows.length > 1 ? fmt(S.cv_showing_all, { text: head, count: num(rows.length) }) : head;
  };

  /* Appends the next slice of rows (or up to `upto`), each group in its own tbody. */
  var more = function (upto) {
    var slice = Math.max(50, Math.min(400, Math.round(CELLS / state.s.length)));
    var end = Math.min(rows.length, upto || shown + slice);
    var span = state.s.length + 1;
    var bodies = ui.table.tBodies;
    var last = bodies.length ? bodies[bodies.length - 1] : null;
    var multi = !state.g;
    var html = "", group = last ? +last.getAttribute("data-index") : -1;
    var flush = function () {
      if (!html) return;
      last.insertAdjacentHTML("beforeend", html);
      html = "";
    };
    for (var i = shown; i < end; i++) {
      var r = rows[i];
      if (r.group !== group) {
        flush();
        group = r.group;
        last = document.createElement("tbody");
        last.setAttribute("data-index", group);
        last.setAttribute("data-group", r.groupSlug);
        ui.table.appendChild(last);
        if (multi) html += '<tr class="group"><th colspan="' + span + '" scope="colgroup">' + esc(r.groupName) + "</th></tr>";
      }
      html += "<tr" + (r.differs ? ' class="differs"' : "") + ' data-differs="' + r.differs + '"><th scope="row"><a href="' +
        esc(r.url) + '">' + esc(r.name) + "</a></th>";
      for (var j = 0; j < r.cells.length; j++) html += cell(r.cells[j]);
      html += "</tr>";
    }
    flush();
    shown = end;
    var left = rows.length - shown;
    ui.more.parentNode.hidden = left <= 0;
    ui.more.textContent = fmt(S.cv_more, { count: num(Math.min(left, slice)), left: num(left) });
  };

  /* One cell, as partials/cell.html draws it: a badge with icon and word, or the text value. */
  var cell = function (c) {
    if (c === 0) return '<td data-level="none"><div class="cell"><span class="badge badge-none">' + esc(S.not_stated) + "</span></div></td>";
    var h;
    if (c[0] >= 0) {
      var l = index.levels[c[0]];
      h = '<td data-level="' + esc(l[0]) + '"><div class="cell"><span class="badge badge-' + esc(l[3]) +
        '"><span class="icon" aria-hidden="true">' + esc(l[2]) + "</span>" + esc(l[1]) + "</span>" +
        (c.length > 1 ? '<span class="cell-note">' + esc(c[1]) + "</span>" : "");
    } else {
      h = '<td data-level="text"><div class="cell"><span class="cell-value">' + esc(c[1] == null ? "" : c[1]) + "</span>";
    }
    return h + "</div></td>";
  };

  /* ---- start ---- */
  view.hidden = false;
  var route = function () {
    var u = readUrl();
    if (u.any) start(u, false, false);
    else showIntro();
  };
  window.addEventListener("popstate", route);
  route();
})();
