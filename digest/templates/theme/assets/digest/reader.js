// The reader's own view of the digest, kept in this browser only (localStorage, per
// site): whether every card opens with its abstract.
(function () {
  "use strict";
  var script = document.currentScript;
  // The site's root, from this script's own address: two digests on one host (GitHub
  // Pages project sites share an origin) keep their settings apart.
  var root = script ? script.src.replace(/assets\/digest\/reader\.js.*$/, "") : location.origin + "/";
  var EXPAND = "paper-digest:" + root + ":expand";

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (error) { return null; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (error) { /* private mode: not kept */ }
  }

  // "Expand all": one switch over the cards' disclosures, remembered for the next page.
  function expandSwitch() {
    var cards = document.querySelectorAll("details.pd-paper__more");
    if (!cards.length) return;
    var first = document.querySelector("article.pd-paper");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button pd-expand";
    function show(open) {
      cards.forEach(function (details) { details.open = open; });
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Collapse all abstracts" : "Expand all abstracts";
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-pressed") !== "true";
      store(EXPAND, open ? "1" : "0");
      show(open);
    });
    // Beside the page's summary line where there is one: above the cards it would push
    // them down the screen.
    var summary = document.querySelector(".md-content .pd-summary");
    if (summary && summary.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING) {
      summary.appendChild(button);
    } else {
      first.parentNode.insertBefore(button, first);
    }
    show(stored(EXPAND) === "1");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", expandSwitch);
  } else {
    expandSwitch();
  }
})();
