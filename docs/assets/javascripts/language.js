// Two small behaviours that must survive Material's instant navigation, which
// swaps page content without reloading scripts.
(function () {
  var config = JSON.parse(document.getElementById("__config").textContent);
  // The edition's root, absolute, computed once from the first page.
  var root = new URL(config.base.replace(/\/?$/, "/"), location.href);

  // Each switch link carries the relative path from this edition's root to its
  // edition's root (data-kb-path, from editorial/editions.yml); every edition
  // uses the same page paths below its root.
  function twin(path) {
    var rel = location.pathname.indexOf(root.pathname) === 0
      ? location.pathname.slice(root.pathname.length) : "";
    return new URL(path + rel, root).pathname + location.hash;
  }

  // The language switch leads to this page's twin, also after instant navigation.
  function updateSwitch() {
    document.querySelectorAll("[data-kb-twin]").forEach(function (a) {
      a.setAttribute("href", twin(a.getAttribute("data-kb-path") || ""));
    });
  }

  // Parallel text: reveal the other language's version of every paragraph.
  var KEY = "kb-parallel-" + document.documentElement.lang;
  function applyParallel(on) {
    var article = document.querySelector(".md-content");
    var button = document.querySelector(".kb-parallel-toggle");
    if (!article || !button) { return; }
    article.classList.toggle("kb-parallel-on", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = button.getAttribute(on ? "data-hide" : "data-show");
  }
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".kb-parallel-toggle")) { return; }
    var on = !document.querySelector(".md-content").classList.contains("kb-parallel-on");
    try { localStorage.setItem(KEY, on ? "1" : ""); } catch (e) { /* private mode */ }
    applyParallel(on);
  });

  function onPage() {
    updateSwitch();
    var stored = "";
    try { stored = localStorage.getItem(KEY) || ""; } catch (e) { /* private mode */ }
    applyParallel(stored === "1");
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(onPage);
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
  window.addEventListener("hashchange", updateSwitch);
})();
