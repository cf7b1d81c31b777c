// Pagefind search: live results under the header box on every page, and a full search
// page with topic and month filters that also answers ?q= links.
(function () {
  "use strict";
  // The home page says so when a listing day is missing. Decided in the reader's
  // browser (the build never reads the clock, so the same inputs give the same site),
  // by the sources' schedule: a weekday after the latest listing and before today, in
  // the source's own time zone, is missing; weekends and the reader's evening are not.
  function freshness() {
    var notice = document.querySelector(".pd-notice[data-latest]");
    if (!notice) return;
    var zone = notice.getAttribute("data-zone") || "UTC";
    var today;
    try {
      today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
    } catch (error) {
      today = new Date().toISOString().slice(0, 10);
    }
    var day = new Date(notice.getAttribute("data-latest") + "T12:00:00Z");
    var end = new Date(today + "T12:00:00Z");
    for (day.setUTCDate(day.getUTCDate() + 1); day < end; day.setUTCDate(day.getUTCDate() + 1)) {
      var weekday = day.getUTCDay();
      if (weekday !== 0 && weekday !== 6) {
        notice.hidden = false;
        return;
      }
    }
  }

  // "Copy BibTeX" buttons copy the entry shown above them.
  function copyButtons() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest(".pd-bib-copy") : null;
      if (!button) return;
      var code = button.parentElement.querySelector("pre code");
      if (!code || !navigator.clipboard) return;
      navigator.clipboard.writeText(code.textContent).then(function () {
        button.textContent = "Copied";
      });
    });
  }

  // The index is split by period (pagefind/ holds the newest papers, pagefind/<period>/
  // the older ones); Pagefind merges the shards in the browser and loads from each
  // only the chunks a query needs.
  function shardBundles() {
    var script = document.querySelector('script[src*="pagefind-ui.js"]');
    if (!script || !window.digestSearchShards) return [];
    return window.digestSearchShards.map(function (name) {
      return { bundlePath: new URL(name + "/", script.src).pathname };
    });
  }

  // Pagefind's box is named by its placeholder only; screen readers need a label.
  function labelSearchBoxes() {
    document.querySelectorAll(".pagefind-ui__search-input").forEach(function (input) {
      input.setAttribute("aria-label", "Search papers");
    });
  }

  function start() {
    freshness();
    copyButtons();
    if (typeof PagefindUI === "undefined") return;
    var header = document.getElementById("pd-search");
    var page = document.getElementById("pd-search-page");
    var options = { showSubResults: false, showImages: false, resetStyles: false,
      mergeIndex: shardBundles() };
    if (page) {
      // Narrowing by topic and by year or month: the chosen words (see search.py's
      // narrowing_words) are added to the query, and kept out of what the reader sees.
      var selects = [document.getElementById("pd-narrow-topic"), document.getElementById("pd-narrow-when")]
        .filter(Boolean);
      // A narrowing word, with the <mark> Pagefind puts around a matched one.
      var NARROWING = /(?:<mark>)?\b(?:pdt|pdm|pdy)[a-z0-9]+\b(?:<\/mark>)?/g;
      var ui = new PagefindUI(Object.assign({ element: "#pd-search-page", pageSize: 10,
        translations: { placeholder: "Search papers" },
        processTerm: function (term) {
          var words = selects.map(function (select) { return select.value; }).filter(Boolean);
          return words.length ? term + " " + words.join(" ") : term;
        },
        processResult: function (result) {
          result.excerpt = result.excerpt.replace(NARROWING, "");
          return result;
        } }, options));
      var params = new URLSearchParams(window.location.search);
      var query = params.get("q");
      selects.forEach(function (select) {
        var chosen = params.get(select.id === "pd-narrow-topic" ? "topic" : "when");
        if (chosen) select.value = chosen;
        select.addEventListener("change", function () {
          // The same query again: Pagefind's UI searches only when its term changes, so
          // it changes twice (a trailing space, then back) in two turns of the loop.
          var input = page.querySelector(".pagefind-ui__search-input");
          if (!input || !input.value.trim()) return;
          var term = input.value.trim();
          ui.triggerSearch(term + " ");
          setTimeout(function () { ui.triggerSearch(term); }, 0);
        });
      });
      if (query) ui.triggerSearch(query);
      if (header) header.parentElement.hidden = true;
    } else if (header) {
      new PagefindUI(Object.assign({ element: "#pd-search", pageSize: 5, showEmptyFilters: false,
        translations: { placeholder: "Search papers" } }, options));
      document.addEventListener("keydown", function (event) {
        var input = header.querySelector("input");
        if (event.key === "/" && input && document.activeElement !== input &&
            !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
          event.preventDefault();
          input.focus();
        }
        if (event.key === "Escape" && input && document.activeElement === input) {
          input.value = "";
          input.dispatchEvent(new Event("input"));
          input.blur();
        }
      });
    }
    labelSearchBoxes();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
