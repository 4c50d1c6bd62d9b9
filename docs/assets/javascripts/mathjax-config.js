// MathJax reads this object when tex-chtml-full.js (the next script) loads.
// Only elements pymdownx.arithmatex marked are processed, so dollar signs and
// backslashes elsewhere on a page are never taken for math.
//
// The TeX comes from scraped pages and outside translators, so it is treated as
// untrusted: the ui/safe extension (served from this site, like the rest of
// MathJax) drops every link that is not http(s), and every style, class and id
// a formula asks for (\style, \class, \cssId, \data, \href{javascript:…});
// \require may load nothing that is not already bundled.
// The table of contents repeats the headings as text: a formula in a heading
// shows there as its TeX between \( and \), the delimiters arithmatex gave it.
// Each such stretch is put back into an element like the one arithmatex made
// in the heading, set as text (never as HTML), and typeset with the page: the
// same TeX as the heading's, which the builder already checked.
function markTableOfContents() {
  var links = document.querySelectorAll(".md-nav--secondary .md-nav__link");
  Array.prototype.forEach.call(links, function (link) {
    if (link.querySelector(".arithmatex")) { return; }
    var walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) {
      var parts = node.nodeValue.split(/(\\\([\s\S]*?\\\))/);
      if (parts.length < 2) { return; }
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part, i) {
        if (!part) { return; }
        if (i % 2) {
          var math = document.createElement("span");
          math.className = "arithmatex";
          math.textContent = part;
          fragment.appendChild(math);
        } else {
          fragment.appendChild(document.createTextNode(part));
        }
      });
      node.parentNode.replaceChild(fragment, node);
    });
  });
}

// A link to an equation (\eqref from another chapter, or the blog's own equation
// anchors) names an id MathJax only makes when it typesets, after the browser
// and Material looked for it: once the page is typeset, go there.
function landOnEquation() {
  var id;
  try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
  if (id.indexOf("mjx-eqn") !== 0) { return; }
  var target = document.getElementById(id);
  if (target) { target.scrollIntoView({ block: "center" }); }  // not under the fixed header
}

window.MathJax = {
  loader: {
    load: ["ui/safe"],
  },
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: false,
    processEnvironments: true,
    tags: "ams",
    // \require may name only the extensions tex-chtml-full.js already holds:
    // nothing is fetched, and nothing from another host.
    require: {
      defaultAllow: false,
      allow: {
        action: true, ams: true, amscd: true, bbox: true, boldsymbol: true, braket: true,
        bussproofs: true, cancel: true, cases: true, centernot: true, color: true, colortbl: true,
        empheq: true, enclose: true, extpfeil: true, gensymb: true, html: true, mathtools: true,
        mhchem: true, newcommand: true, noerrors: true, noundefined: true, upgreek: true,
        unicode: true, verb: true, textcomp: true, textmacros: true
      },
    },
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
    safeOptions: {
      // Ids only as MathJax gives them to numbered equations (mjx-eqn:<label>), which \eqref links to;
      // a formula's \cssId{…} can never name an element of the page (#__config, a heading).
      allow: { URLs: "safe", classes: "none", cssIDs: "safe", styles: "none" },
      idPattern: /^mjx-eqn:[^\s"'<>]{1,200}$/,
      safeProtocols: { http: true, https: true, file: false, javascript: false, data: false },
    },
  },
  startup: {
    ready: function () {
      MathJax.startup.defaultReady();
      // Instant navigation swaps the page content without reloading scripts.
      // Typeset only math that has not been typeset yet: typesetting the first
      // page a second time doubles formulas and turns \boldsymbol red.
      document$.subscribe(function () {
        MathJax.startup.promise = MathJax.startup.promise.then(function () {
          markTableOfContents();
          var pending = Array.prototype.filter.call(
            document.querySelectorAll(".arithmatex"),
            function (el) { return !el.querySelector("mjx-container"); }
          );
          if (!pending.length) { return landOnEquation(); }
          // A new page's formulas start afresh (labels, numbers).  Only the table of contents
          // left (the first page, typeset already): its \eqref needs the page's labels kept.
          if (pending.some(function (el) { return !el.closest(".md-nav"); })) {
            MathJax.typesetClear();
            MathJax.texReset();
          }
          return MathJax.typesetPromise(pending).then(landOnEquation);
        });
      });
    },
  },
};
