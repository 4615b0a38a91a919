/* newsarchive search: Pagefind when the site is served over HTTP, the compact index
 * (search/*.js, plain scripts) when it is opened from disk, where browsers refuse fetch() and
 * module imports. Loaded on every page but small: no index is loaded until the header box is
 * used or the search page opens. Article text is untrusted: it only ever becomes text nodes. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) return;
  var root = new URL("../", script.src); // this file is assets/search.js
  var PAGE = 20; // results per "More results"
  var SHOWN = 160; // characters of excerpt shown from the compact index's stored lead
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var FILTERS = ["outlet", "author", "tag", "year"];
  var enginePromise = null;

  // --- shared helpers --------------------------------------------------------------------

  /* Words as search_index.tokens() makes them; the two must agree. */
  function words(text, stop) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(function (w) { return w.length >= 2 && w.length <= 32 && !(stop && stop.has(w)); });
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = url;
      tag.onload = function () { resolve(); };
      tag.onerror = function () { reject(new Error("cannot load " + url)); };
      document.head.appendChild(tag);
    });
  }

  function loadStyles() {
    var href = new URL("assets/search.css", root).href;
    var present = Array.prototype.some.call(document.querySelectorAll("link[rel=stylesheet]"),
      function (link) { return link.href === href; });
    if (present) return;
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  /* "2021-03-04" -> "4 March 2021"; "2021-03" -> "March 2021"; "" -> "Undated". */
  function dateText(iso) {
    var parts = (iso || "").split("-").map(Number);
    if (!parts[0]) return "Undated";
    if (!parts[1]) return String(parts[0]);
    var month = MONTHS[parts[1] - 1] + " " + parts[0];
    return parts[2] ? parts[2] + " " + month : month;
  }

  /* An article link: the compact index's are relative to the site root, Pagefind's start with
   * the root's path (its baseUrl); never another scheme. */
  function articleUrl(path) {
    var url = new URL(String(path), root);
    if (url.protocol !== root.protocol) return null;
    if (/\/$/.test(url.pathname)) url.pathname += "index.html"; // file:// lists folders
    return url.href;
  }

  // --- the compact index (file://) ----------------------------------------------------------

  function compactEngine() {
    var chunks = {};
    var pending = {};
    window.NEWSARCHIVE_SEARCH_CHUNK = function (name, value) { chunks[name] = value; };
    function chunk(name) {
      if (!pending[name]) {
        pending[name] = loadScript(new URL("search/" + name + ".js", root).href)
          .then(function () { return chunks[name]; });
      }
      return pending[name];
    }
    return loadScript(new URL("search/index.js", root).href).then(function () {
      var head = window.NEWSARCHIVE_SEARCH;
      var stop = new Set(head.stop);
      var sortedKeys = {};
      var offsets = [];
      head.blocks.reduce(function (start, block) { offsets.push(start); return start + block[1]; }, 0);
      function postings(term, prefix) {
        var shard = /^[a-z0-9]/.test(term) ? term[0] : "_";
        if (head.shards.indexOf(shard) < 0) return Promise.resolve(new Map());
        return chunk("terms-" + shard).then(function (terms) {
          var found = new Map();
          var keys = [term];
          if (prefix) {
            keys = sortedKeys[shard] || (sortedKeys[shard] = Object.keys(terms).sort());
            keys = prefixRange(keys, term);
          }
          keys.forEach(function (key) {
            if (Object.prototype.hasOwnProperty.call(terms, key)) decode(terms[key], offsets, found);
          });
          return found;
        });
      }
      /* An article's row: its block's docs file, loaded when first shown. */
      function row(id) {
        var lo = 0, hi = offsets.length - 1;
        while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (offsets[mid] <= id) lo = mid; else hi = mid - 1; }
        return chunk("docs-" + head.blocks[lo][0]).then(function (rows) { return rows[id - offsets[lo]]; });
      }
      return {
        mode: "compact",
        stop: stop,
        search: function (query, filters, sort) {
          return compactSearch(head, stop, postings, row, query, filters, sort);
        }
      };
    });
  }

  function prefixRange(keys, prefix) {
    var lo = 0, hi = keys.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] < prefix) lo = mid + 1; else hi = mid; }
    var out = [];
    for (var i = lo; i < keys.length && keys[i].lastIndexOf(prefix, 0) === 0 && out.length < 64; i++) {
      out.push(keys[i]);
    }
    return out;
  }

  /* "0:0,3.9;2:a" -> block 0's ids 0, 3 (weight 9) and block 2's id 10 (hex, deltas within a
   * block), numbered from each block's offset; the best weight wins when prefixes overlap. */
  function decode(encoded, offsets, into) {
    encoded.split(";").forEach(function (segment) {
      var colon = segment.indexOf(":");
      var id = offsets[parseInt(segment.slice(0, colon), 16)];
      segment.slice(colon + 1).split(",").forEach(function (item) {
        var dot = item.indexOf(".");
        id += parseInt(dot < 0 ? item : item.slice(0, dot), 16);
        var weight = dot < 0 ? 1 : Number(item.slice(dot + 1));
        if (!(into.get(id) >= weight)) into.set(id, weight);
      });
    });
  }

  function compactSearch(head, stop, postings, row, query, filters, sort) {
    var terms = words(query, stop);
    var wanted = {
      outlet: filters.outlet ? head.outlets.indexOf(filters.outlet) : null,
      author: filters.author ? head.authors.indexOf(filters.author) : null,
      tag: filters.tag ? head.tags.indexOf(filters.tag) : null,
      year: filters.year ? Number(filters.year) : null
    };
    var lists = terms.map(function (term, i) {
      return postings(term, i === terms.length - 1 && !/\s$/.test(query));
    });
    return Promise.all(lists).then(function (maps) {
      var scores = new Map();
      if (maps.length) {
        maps.sort(function (a, b) { return a.size - b.size; });
        maps[0].forEach(function (weight, id) {
          var score = 0;
          for (var m = 0; m < maps.length; m++) {
            var w = maps[m].get(id);
            if (w === undefined) return;
            score += w * Math.log(1 + head.count / maps[m].size);
          }
          scores.set(id, score);
        });
      } else if (FILTERS.some(function (f) { return filters[f]; })) {
        for (var id = 0; id < head.count; id++) scores.set(id, 0);
      }
      var ids = [];
      scores.forEach(function (score, id) { if (matches(head.docs[id], wanted)) ids.push(id); });
      ids.sort(compareBy(sort, scores, head.docs));
      return {
        total: ids.length,
        terms: terms,
        prefix: !/\s$/.test(query),
        item: function (n) {
          var id = ids[n];
          return row(id).then(function (fields) {
            var doc = head.docs[id];
            return { url: fields[0], title: fields[1], excerpt: fields[2], marked: false,
              outlet: doc[0] >= 0 ? head.outlets[doc[0]] : "", date: isoOf(doc[1]) };
          });
        }
      };
    });
  }

  function matches(doc, wanted) {
    return (wanted.outlet === null || doc[0] === wanted.outlet) &&
      (wanted.year === null || Math.floor(doc[1] / 10000) === wanted.year) &&
      (wanted.author === null || doc[2].indexOf(wanted.author) >= 0) &&
      (wanted.tag === null || doc[3].indexOf(wanted.tag) >= 0);
  }

  /* Newest/oldest by date (undated count as oldest), best match by score; ties: index order
   * (newest first, then by URL). */
  function compareBy(sort, scores, docs) {
    return function (a, b) {
      var byDate = docs[b][1] - docs[a][1];
      if (sort === "newest" && byDate) return byDate;
      if (sort === "oldest" && byDate) return -byDate;
      if (sort === "relevance") {
        var byScore = scores.get(b) - scores.get(a);
        if (byScore) return byScore;
      }
      return a - b;
    };
  }

  function isoOf(number) {
    if (!number) return "";
    var y = Math.floor(number / 10000), m = Math.floor(number / 100) % 100, d = number % 100;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return String(y) + (m ? "-" + pad(m) : "") + (d ? "-" + pad(d) : "");
  }

  // --- Pagefind (http) -----------------------------------------------------------------------

  /* One Pagefind bundle per shard (pagefind/shards.json lists them): the first is loaded, the
   * others merged into it, so one search covers them all and filter counts add up. */
  function pagefindEngine() {
    var base = new URL("pagefind/", root);
    return fetch(new URL("shards.json", base).href).then(function (response) {
      if (!response.ok) throw new Error("no Pagefind bundle");
      return response.json();
    }).then(function (manifest) {
      return import(new URL("pagefind.js", base).href).then(function (pagefind) {
        var shared = { excerptLength: 24, baseUrl: root.pathname };
        var first = Object.assign({ basePath: new URL(manifest.shards[0] + "/", base).pathname },
          shared);
        return Promise.resolve(pagefind.options(first)).then(function () {
          return Promise.all(manifest.shards.slice(1).map(function (name) {
            return pagefind.mergeIndex(new URL(name + "/", base).pathname, shared);
          }));
        }).then(function () {
          return {
            mode: "pagefind",
            stop: null,
            search: function (query, filters, sort) {
              return pagefindSearch(pagefind, query, filters, sort);
            }
          };
        });
      });
    });
  }

  /* A page's date number, from its id (search_pagefind.stable_bundle names pages
   * <language>_<YYYYMMDD>_<hash>); 0 when undated. */
  function pageDate(result) {
    var found = /_(\d{8})_[^_]*$/.exec(String(result.id));
    return found ? Number(found[1]) : 0;
  }

  function pagefindSearch(pagefind, query, filters, sort) {
    var chosen = {};
    FILTERS.forEach(function (name) { if (filters[name]) chosen[name] = filters[name]; });
    var terms = words(query, null);
    if (!terms.length && !Object.keys(chosen).length) {
      return Promise.resolve({ total: 0, terms: [], item: null });
    }
    /* No sort is passed: merged indexes come back by score whatever sort is asked for, and a
     * sorted Pagefind search drops undated pages. Dates come from the ids instead. */
    return pagefind.search(terms.length ? query : null, { filters: chosen }).then(function (found) {
      var results = found.results.slice();
      if (sort === "newest" || sort === "oldest") {
        var sign = sort === "newest" ? -1 : 1;
        results.sort(function (a, b) {
          return sign * (pageDate(a) - pageDate(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        });
      }
      return {
        total: results.length,
        terms: terms,
        prefix: true,
        item: function (n) {
          return results[n].data().then(function (data) {
            var meta = data.meta || {};
            return { url: data.url, title: meta.title || "", excerpt: data.excerpt || "",
              marked: true, outlet: meta.outlet || "", date: meta.date || "" };
          });
        }
      };
    });
  }

  /* Pagefind first; from disk (or when its bundle is missing) the compact index. */
  function engine() {
    if (!enginePromise) {
      enginePromise = location.protocol === "file:" ? compactEngine()
        : pagefindEngine().catch(function () { return compactEngine(); });
    }
    return enginePromise;
  }

  // --- showing results -----------------------------------------------------------------------

  /* Append text to el, wrapping the words that match the query in <mark>. */
  function appendMarked(el, text, terms, prefix) {
    var last = terms[terms.length - 1];
    var word = /[\p{L}\p{N}]+/gu;
    var at = 0, hit;
    while ((hit = word.exec(text)) !== null) {
      var folded = words(hit[0], null)[0];
      if (!folded) continue;
      var ok = terms.indexOf(folded) >= 0 || (prefix && last && folded.lastIndexOf(last, 0) === 0);
      if (!ok) continue;
      el.appendChild(document.createTextNode(text.slice(at, hit.index)));
      var mark = document.createElement("mark");
      mark.textContent = hit[0];
      el.appendChild(mark);
      at = hit.index + hit[0].length;
    }
    el.appendChild(document.createTextNode(text.slice(at)));
  }

  /* About SHOWN characters of the compact index's stored lead, starting a little before the
   * first word that matches, so the excerpt shows why the article was found. */
  function around(text, found) {
    var last = found.terms[found.terms.length - 1];
    var word = /[\p{L}\p{N}]+/gu;
    var hit, start = 0;
    while ((hit = word.exec(text)) !== null) {
      var folded = words(hit[0], null)[0];
      if (folded && (found.terms.indexOf(folded) >= 0 ||
          (found.prefix && last && folded.lastIndexOf(last, 0) === 0))) {
        start = hit.index;
        break;
      }
    }
    if (start > SHOWN - 40) {
      var from = text.lastIndexOf(" ", start - 40);
      text = "…" + text.slice(from < 0 ? 0 : from + 1);
    }
    if (text.length <= SHOWN) return text;
    var cut = text.lastIndexOf(" ", SHOWN);
    return text.slice(0, cut > 0 ? cut : SHOWN).replace(/[,;:.\-—…]+$/, "") + "…";
  }

  /* Pagefind's excerpt is escaped text with <mark> tags: keep the marks, decode the rest. */
  function appendPagefindExcerpt(el, html) {
    html.split(/(<mark>|<\/mark>)/).reduce(function (inMark, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      if (!part) return inMark;
      var text = part.replace(/<[^>]*>/g, "").replace(/&(#x?[0-9a-f]+|amp|lt|gt|quot|apos);/gi,
        function (all, name) {
          var named = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }[name.toLowerCase()];
          if (named) return named;
          var code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
          return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
        });
      var node = inMark ? document.createElement("mark") : document.createTextNode(text);
      if (inMark) node.textContent = text;
      el.appendChild(node);
      return inMark;
    }, false);
  }

  function resultItem(result, found) {
    var li = document.createElement("li");
    li.className = "summary search-result";
    var h2 = document.createElement("h2");
    h2.className = "summary-title";
    var href = articleUrl(result.url);
    var link = document.createElement(href ? "a" : "span");
    if (href) link.href = href;
    appendMarked(link, result.title, found.terms, found.prefix);
    h2.appendChild(link);
    li.appendChild(h2);
    var meta = document.createElement("p");
    meta.className = "meta";
    if (result.outlet) {
      var outlet = document.createElement("span");
      outlet.className = "outlet";
      outlet.textContent = result.outlet;
      meta.appendChild(outlet);
      meta.appendChild(document.createTextNode(" · "));
    }
    var time = document.createElement(result.date ? "time" : "span");
    if (result.date) time.dateTime = result.date;
    time.textContent = dateText(result.date);
    meta.appendChild(time);
    li.appendChild(meta);
    var excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    if (result.marked) appendPagefindExcerpt(excerpt, result.excerpt);
    else appendMarked(excerpt, around(result.excerpt, found), found.terms, found.prefix);
    li.appendChild(excerpt);
    return li;
  }

  /* Results [from, from + count) of a search, as list items in one fragment: a list is
   * filled in one step, never seen half-drawn. */
  function renderItems(found, from, count) {
    var end = Math.min(found.total, from + count);
    var jobs = [];
    for (var n = from; n < end; n++) jobs.push(found.item(n));
    return Promise.all(jobs).then(function (results) {
      var fragment = document.createDocumentFragment();
      results.forEach(function (result) { fragment.appendChild(resultItem(result, found)); });
      return { fragment: fragment, end: end };
    });
  }

  // --- the search page -----------------------------------------------------------------------

  function searchPage(form) {
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var more = document.getElementById("search-more");
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && params.has(field.name)) field.value = params.get(field.name);
    });
    var header = document.getElementById("site-search-q");
    if (header && params.has("q")) header.value = params.get("q");
    var generation = 0;
    var shown = 0;
    var current = null;

    function run() {
      var mine = ++generation;
      var filters = {};
      FILTERS.forEach(function (name) { filters[name] = form.elements[name].value; });
      var query = form.elements.q.value;
      rememberQuery(form);
      list.dataset.state = "busy";
      status.textContent = "Searching…";
      engine().then(function (search) {
        document.documentElement.dataset.searchMode = search.mode;
        return search.search(query, filters, form.elements.sort.value);
      }).then(function (found) {
        return renderItems(found, 0, PAGE).then(function (page) {
          if (mine !== generation) return;
          current = found;
          shown = page.end;
          list.replaceChildren(page.fragment);
          status.textContent = summary(found, query);
          more.hidden = shown >= found.total;
          list.dataset.state = "done";
        });
      }).catch(function (error) {
        if (mine !== generation) return;
        status.textContent = "Search is unavailable: " + error.message;
        list.dataset.state = "done";
      });
    }

    var timer = 0;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      run();
    });
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 200); });
    form.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") { clearTimeout(timer); run(); }
    });
    more.addEventListener("click", function () {
      var mine = generation;
      renderItems(current, shown, PAGE).then(function (page) {
        if (mine !== generation) return;
        list.appendChild(page.fragment);
        shown = page.end;
        more.hidden = shown >= current.total;
      });
    });
    run();
  }

  function summary(found, query) {
    if (!found.total) {
      return query.trim() || found.terms.length ? "No articles match." : "Type words to search for, or choose a filter.";
    }
    return found.total === 1 ? "1 article" : found.total + " articles";
  }

  /* Keep the address in step with the form, so a search can be bookmarked; file:// may refuse. */
  function rememberQuery(form) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value && !(field.name === "sort" && field.value === "relevance")) {
        params.set(field.name, field.value);
      }
    });
    try {
      history.replaceState(null, "", "?" + params.toString());
    } catch (refused) { /* some browsers refuse on file:// pages; the search still runs */ }
  }

  // --- the header box: quick results as you type ---------------------------------------------

  function headerBox(form) {
    var input = form.querySelector("input[name=q]");
    var box = document.createElement("div");
    box.className = "search-suggest";
    box.hidden = true;
    var list = document.createElement("ol");
    var all = document.createElement("a");
    all.className = "search-all";
    box.appendChild(list);
    box.appendChild(all);
    form.appendChild(box);
    var generation = 0;
    var timer = 0;
    input.addEventListener("focus", function () { loadStyles(); engine().catch(function () {}); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++generation;
        var query = input.value;
        if (!query.trim()) { box.hidden = true; return; }
        engine().then(function (search) {
          return search.search(query, {}, "relevance");
        }).then(function (found) {
          return renderItems(found, 0, 5).then(function (page) {
            if (mine !== generation) return;
            list.replaceChildren(page.fragment);
            all.href = form.action.split("?")[0] + "?q=" + encodeURIComponent(query);
            all.textContent = found.total ? "All " + found.total + " results" : "No articles match";
            box.hidden = false;
          });
        }).catch(function () { box.hidden = true; });
      }, 150);
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { box.hidden = true; input.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) box.hidden = true;
    });
  }

  /* For tests and bench/search_bench.py: the engine this page would use. */
  window.NEWSARCHIVE_SEARCH_ENGINE = engine;

  function start() {
    var page = document.getElementById("search-form");
    if (page) searchPage(page);
    var header = document.querySelector("form.site-search");
    if (header && !page) headerBox(header);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
