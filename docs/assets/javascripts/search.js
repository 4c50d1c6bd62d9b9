// The header's search box over this edition's Pagefind index (<edition root>/pagefind/,
// written by builder/search.py after mkdocs built the edition).
//
// Why not Material's search: it loads one lunr index of the whole edition
// before the first result (10-24 MB at the blog's size); Pagefind fetches a
// small entry file, a WebAssembly runtime and only the index chunks the
// query's words need.  Everything comes from this site: nothing from another
// host.
//
// Chinese: builder/search.py makes every CJK ideograph a word of its own in the
// index, so a query's ideographs are asked for as an exact phrase of single
// characters.  Pagefind's own dictionary (indexing) and the browser's
// Intl.Segmenter (querying) cut words differently; this way neither cuts.
//
// English: the index is made in Chinese (an untranslated paragraph of the
// English edition is Chinese), so Pagefind stems no English word; it does
// match a query word to every word it begins.  So a query word is cut back to
// its stem ("models" finds model and models, "trained" train and training),
// and a word spelt with -ise or -ize is also asked for in the other spelling
// (the translations use both: "optimisation" finds "optimization").  Pagefind
// answers a word it does not hold with the pages of the longest beginning of
// it that it does ("stir" with every page holding an "s"); so an English query
// is asked for only when each of its words is held (see holds()).
//
// Results are drawn with Material's search classes, so the box opens, sizes
// and scrolls like Material's.  Titles and excerpts are set as text (never as
// HTML); only the excerpt's highlights become <mark> elements.  The header is
// not replaced by instant navigation, so this runs once per full page load
// and keeps its index across instant navigation (Material's document$).
(function () {
  "use strict";
  var box = document.querySelector("[data-kb-search]");
  if (!box) { return; }
  var input = box.querySelector(".md-search__input");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var scroll = box.querySelector(".md-search__scrollwrap");
  var toggle = document.getElementById("__search");
  var form = box.querySelector("form");
  var config = JSON.parse(document.getElementById("__config").textContent);
  var words = config.translations || {};
  // Absolute, from the first page: the header (and so this element) survives instant navigation.
  var bundle = new URL(box.getAttribute("data-kb-search"), location.href);
  var root = new URL("../", bundle);
  var PAGE = 10;  // results drawn at a time; more as the list scrolls to its end

  var IDEOGRAPH = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var BETWEEN = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])/g;

  var RESPELT = /^([a-z]{3,}[iy])([sz])(e|es|ed|ing|er|ers|ation|ations|able)$/;

  // The beginning that an English word's other forms share ("models" → model,
  // "probabilities" → probabilit, "trained" → train, "modelling" → model); the
  // word as typed when it is not all small letters or too short to cut.
  function stem(word) {
    if (!/^[a-z]+$/.test(word)) { return word; }
    var cut = word, least = 4;
    if (/ies$/.test(word)) { cut = word.slice(0, -3); }
    else if (/(?:ss|x|z|ch|sh)es$/.test(word)) { cut = word.slice(0, -2); }
    else if (/[^sui]s$/.test(word)) { cut = word.slice(0, -1); least = 3; }  // GANs → gan
    else if (/(?:ing|ed)$/.test(word)) { cut = word.replace(/(?:ing|ed)$/, "").replace(/([b-df-hj-np-tv-z])\1$/, "$1"); }
    else if (/e$/.test(word)) { cut = word.slice(0, -1); }
    return cut.length >= least ? cut : word;
  }

  // What a query word is asked for as: its stem, and the other spelling's stem
  // where -ise and -ize (-yse, -yze) both spell it.
  function forms(word) {
    var lower = word.toLowerCase();
    var found = RESPELT.exec(lower);
    var other = found ? found[1] + (found[2] === "s" ? "z" : "s") + found[3] : "";
    return other ? [stem(lower), stem(other)] : [stem(lower)];
  }

  // The searches a query needs, as alternatives whose results are joined; each
  // alternative is searches whose results must all hold the page.  A query
  // with ideographs is one search per word (a word with ideographs is an exact
  // phrase of its characters; the pages must hold every word); else one search
  // of its words' stems.  A quoted query is asked for as typed.  The second
  // alternative, when there is one, spells the words the other way.
  function plan(query) {
    if (query.indexOf('"') >= 0 && !IDEOGRAPH.test(query)) { return [[query]]; }
    var terms = query.split(/\s+/).filter(Boolean).map(function (t) {
      return IDEOGRAPH.test(t) ? ['"' + t.replace(/"/g, "").replace(BETWEEN, "$1 ") + '"'] : forms(t);
    });
    var spellings = Math.max.apply(null, terms.map(function (f) { return f.length; }));
    var alternatives = [];
    for (var k = 0; k < spellings; k++) {
      var words = terms.map(function (f) { return f[Math.min(k, f.length - 1)]; });
      alternatives.push(IDEOGRAPH.test(query) ? words : [words.join(" ")]);
    }
    return alternatives;
  }

  // Whether the index holds a word that begins with ``stem``: Pagefind's pages for
  // a word it lacks are those of a shorter one, which their highlights show.
  function holds(pagefind, stem) {
    return pagefind.search(stem).then(function (found) {
      var results = (found && found.results) || [];
      if (!results.length) { return false; }
      return results[0].data().then(function (data) {
        var marked = (data.excerpt || "").match(/<mark>[^<]*<\/mark>/g) || [];
        return marked.some(function (m) {
          return m.replace(/<\/?mark>/g, "").trim().toLowerCase().indexOf(stem) === 0;
        });
      }, function () { return true; });  // unchecked rather than lost
    });
  }

  // Whether every English word of a query (a piece of letters, three or more) is
  // held in one of its forms.  Asked one at a time: Pagefind's results for one
  // page share the excerpt they compute, so checks side by side would mix.
  function allHeld(pagefind, query) {
    if (IDEOGRAPH.test(query) || query.indexOf('"') >= 0) { return Promise.resolve(true); }
    var words = query.toLowerCase().split(/[^a-z]+/).filter(function (w) { return w.length >= 3; });
    return words.reduce(function (sofar, word) {
      return sofar.then(function (ok) {
        return ok && forms(word).reduce(function (any, stem) {
          return any.then(function (found) { return found || holds(pagefind, stem); });
        }, Promise.resolve(false));
      });
    }, Promise.resolve(true));
  }

  // Pages found by any alternative, best first (a page found twice keeps its better score).
  function unite(lists) {
    if (lists.length === 1) { return lists[0]; }
    var best = new Map();
    lists.forEach(function (list) {
      list.forEach(function (r) {
        var seen = best.get(r.id);
        if (!seen || seen.score < r.score) { best.set(r.id, r); }
      });
    });
    return Array.from(best.values()).sort(function (a, b) { return b.score - a.score; });
  }

  // Pages found by every search, best first (the sum of their scores).
  function intersect(lists) {
    if (lists.length === 1) { return lists[0]; }
    var others = lists.slice(1).map(function (list) {
      var byId = new Map();
      list.forEach(function (r) { byId.set(r.id, r); });
      return byId;
    });
    var kept = [];
    lists[0].forEach(function (r) {
      var score = r.score;
      for (var i = 0; i < others.length; i++) {
        var other = others[i].get(r.id);
        if (!other) { return; }
        score += other.score;
      }
      kept.push(Object.assign({}, r, { score: score }));
    });
    return kept.sort(function (a, b) { return b.score - a.score; });
  }

  var engine = null;
  // The index may come in shards (builder/search.py): the first bundle lists
  // the others in shards.json; each is merged into one result list.  The list
  // is data from the site, so only folders below the bundle are taken.
  function shards() {
    return fetch(new URL("shards.json", bundle).href).then(function (response) {
      if (!response.ok) { throw new Error("search index: shards.json " + response.status); }
      return response.json();
    }).then(function (list) {
      return (Array.isArray(list) ? list : []).map(function (folder) {
        var url = new URL(String(folder), bundle);
        return url.origin === bundle.origin && url.pathname.indexOf(bundle.pathname) === 0 &&
          url.href !== bundle.href ? url.href : null;
      }).filter(Boolean);
    });
  }

  function load() {
    if (!engine) {
      var options = { baseUrl: root.pathname, excerptLength: 30 };
      engine = Promise.all([import(new URL("pagefind.js", bundle).href), shards()]).then(function (loaded) {
        var pagefind = loaded[0];
        return pagefind.options(options).then(function () {
          return pagefind.init();
        }).then(function () {
          return Promise.all(loaded[1].map(function (url) { return pagefind.mergeIndex(url, options); }));
        }).then(function () { return pagefind; });
      });
      engine.catch(function () { engine = null; });  // a failed load may be retried by the next query
    }
    return engine;
  }

  function say(text) { meta.textContent = text; }
  function count(n) {
    if (n === 0) { return words["search.result.none"] || ""; }
    if (n === 1) { return words["search.result.one"] || "1"; }
    return (words["search.result.other"] || "#").replace("#", String(n));
  }

  // The zero-width spaces the index put between ideographs are not text.
  function plain(text) { return String(text).replace(/\u200b/g, ""); }

  // Pagefind's excerpt is the page text with "<" and ">" escaped and whole
  // words wrapped in <mark>: split on the marks, unescape, and make text nodes.
  function excerpt(html) {
    var out = document.createElement("p");
    var parts = String(html).split(/(<mark>|<\/mark>)/);
    var marked = false;
    for (var i = 0; i < parts.length; i++) {
      if (parts[i] === "<mark>") { marked = true; continue; }
      if (parts[i] === "</mark>") { marked = false; continue; }
      if (!parts[i]) { continue; }
      var text = document.createTextNode(plain(parts[i].replace(/&lt;/g, "<").replace(/&gt;/g, ">")));
      if (marked) {
        var mark = document.createElement("mark");
        mark.appendChild(text);
        out.appendChild(mark);
      } else {
        out.appendChild(text);
      }
    }
    return out;
  }

  // Only links into this edition: Pagefind joins baseUrl and the page's path,
  // but a path is data from the index, so it is checked, not trusted.
  function sameEdition(url) {
    try {
      var u = new URL(url, root);
      return u.origin === root.origin && u.pathname.indexOf(root.pathname) === 0 ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function item(data) {
    var href = sameEdition(data.url);
    if (!href) { return null; }
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = href;
    a.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var icon = document.createElement("div");
    icon.className = "md-search-result__icon md-icon";
    var title = document.createElement("h1");
    title.textContent = plain((data.meta && data.meta.title) || href);
    article.appendChild(icon);
    article.appendChild(title);
    article.appendChild(excerpt(data.excerpt || ""));
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  var current = 0;  // the latest query's number: answers to older queries are dropped
  var pending = [];  // results not drawn yet
  var drawing = 0;  // the query whose next results are being fetched

  function more(serial) {
    if (drawing === serial || !pending.length || serial !== current) { return Promise.resolve(); }
    drawing = serial;
    var batch = pending.splice(0, PAGE);
    var done = function () { if (drawing === serial) { drawing = 0; } };
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (all) {
      done();
      if (serial !== current) { return; }
      all.forEach(function (data) {
        var li = item(data);
        if (li) { list.appendChild(li); }
      });
      list.setAttribute("data-kb-query", input.value);
    }, done);
  }

  function run() {
    var serial = ++current;
    var query = input.value.trim();
    pending = [];
    if (!query) {
      list.textContent = "";
      list.removeAttribute("data-kb-query");
      say(words["search.result.placeholder"] || "");
      return Promise.resolve();
    }
    return load().then(function (pagefind) {
      return allHeld(pagefind, query).then(function (held) {
        return held ? Promise.all(plan(query).map(function (searches) {
          return Promise.all(searches.map(function (q) { return pagefind.search(q); }));
        })) : [];
      });
    }).then(function (alternatives) {
      if (serial !== current) { return; }
      list.textContent = "";
      pending = unite(alternatives.map(function (searches) {
        return intersect(searches.map(function (s) { return (s && s.results) || []; }));
      }));
      say(count(pending.length));
      if (!pending.length) { list.setAttribute("data-kb-query", input.value); }
      return more(serial);
    }, function (err) {
      if (serial === current) { say(String(err && err.message || err)); }
    });
  }

  function open() {
    if (toggle && !toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
  }
  function close() {
    if (toggle && toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  input.addEventListener("focus", function () { open(); load(); });
  input.addEventListener("input", run);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(run, 0); input.focus(); });
  scroll.addEventListener("scroll", function () {
    if (scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 40) { more(current); }
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked && document.activeElement !== input) { input.focus(); }
    });
  }
  box.addEventListener("click", function (event) {
    if (event.target.closest(".md-search-result__link")) { close(); }
  });

  // Keys: "/", "s" or "f" open the box from anywhere but a field; arrows walk
  // the results; Escape closes; Enter in the box follows the first result.
  function links() { return Array.prototype.slice.call(list.querySelectorAll(".md-search-result__link")); }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    var inBox = box.contains(target);
    if (!toggle || !toggle.checked) {
      if (!typing && (event.key === "/" || event.key === "s" || event.key === "f")) {
        event.preventDefault();
        open();
        input.focus();
      }
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      input.blur();
      return;
    }
    if (!inBox && target !== document.body) { return; }
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) { return; }
      event.preventDefault();
      var next = event.key === "ArrowDown" ? at + 1 : (at < 0 ? all.length - 1 : at - 1);
      if (next < 0) { input.focus(); return; }
      if (next >= all.length) { more(current); next = all.length - 1; }
      all[next].focus();
    } else if (event.key === "Enter" && target === input && all.length) {
      event.preventDefault();
      all[0].click();
    }
  });

  // Instant navigation keeps this header.  Following a result closes the box
  // (the click handler above); so do the browser's back and forward buttons.
  // Not Material's document$: it emits once the new page's scripts have run,
  // which can be after the reader has opened the box again on that page.
  window.addEventListener("popstate", close);
})();
