// MathJax reads this object when tex-chtml-full.js (the next script) loads.
// Only elements pymdownx.arithmatex marked are processed, so dollar signs and
// backslashes elsewhere on a page are never taken for math.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: false,
    processEnvironments: true,
    tags: "ams",
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
  startup: {
    ready: function () {
      MathJax.startup.defaultReady();
      // Instant navigation swaps the page content without reloading scripts.
      // Typeset only math that has not been typeset yet: typesetting the first
      // page a second time doubles formulas and turns \boldsymbol red.
      document$.subscribe(function () {
        MathJax.startup.promise = MathJax.startup.promise.then(function () {
          var pending = Array.prototype.filter.call(
            document.querySelectorAll(".arithmatex"),
            function (el) { return !el.querySelector("mjx-container"); }
          );
          if (!pending.length) { return null; }
          MathJax.typesetClear();
          MathJax.texReset();
          return MathJax.typesetPromise(pending);
        });
      });
    },
  },
};
