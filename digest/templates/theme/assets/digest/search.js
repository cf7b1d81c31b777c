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

  // Other orders than the best match: Pagefind's UI ranks by match only, so these
  // results are drawn here from Pagefind's own search, ordered by each bundle's
  // pd-sort.json (see search.py's Shard.sort_keys), fetched on the first such search.
  function sortedResults(page, shards, narrowed, narrowing) {
    var list = document.getElementById("pd-sorted");
    if (!list) return { show: function () {}, hide: function () {} };
    var script = document.querySelector('script[src*="pagefind-ui.js"]');
    var primary = script ? new URL(".", script.src).pathname : "/pagefind/";
    var engine = null;
    var keys = null;
    var shown = 0;
    var found = [];
    var turn = 0;
    function load() {
      if (engine) return engine;
      var bundles = [primary].concat(shards.map(function (shard) { return shard.bundlePath; }));
      // An instance of its own (the query makes it another module): Pagefind's UI
      // imports pagefind.js too, and merging the shards into its instance again
      // would give each of their papers twice.
      engine = import(primary + "pagefind.js?sorted").then(function (pagefind) {
        return pagefind.options({ basePath: primary, excerptLength: 30 }).then(function () {
          return Promise.all(shards.map(function (shard) { return pagefind.mergeIndex(shard.bundlePath); }));
        }).then(function () {
          return Promise.all(bundles.map(function (bundle) {
            return fetch(bundle + "pd-sort.json").then(function (answer) { return answer.json(); });
          }));
        }).then(function (files) {
          keys = { day: {}, upvotes: {} };
          files.forEach(function (file) {
            Object.keys(file.days).forEach(function (day) {
              var ids = file.days[day][0].split(" ");
              var votes = file.days[day][1] ? file.days[day][1].split(" ") : [];
              ids.forEach(function (id, index) {
                keys.day[file.prefix + id] = day;
                if (votes[index] && votes[index] !== "0") keys.upvotes[file.prefix + id] = parseInt(votes[index], 10);
              });
            });
          });
          return pagefind;
        });
      });
      return engine;
    }
    function byDay(a, b) {
      var x = keys.day[a.id] || "", y = keys.day[b.id] || "";
      return x < y ? 1 : x > y ? -1 : 0;
    }
    function byUpvotes(a, b) {
      return (keys.upvotes[b.id] || 0) - (keys.upvotes[a.id] || 0) || byDay(a, b);
    }
    function text(tag, className, content) {
      var element = document.createElement(tag);
      element.className = className;
      element.textContent = content;
      return element;
    }
    function item(data) {
      var entry = document.createElement("li");
      entry.className = "pd-sorted__result";
      var title = text("p", "pd-sorted__title", "");
      var link = text("a", "", data.meta.title || data.url);
      link.href = data.url;
      title.appendChild(link);
      var excerpt = document.createElement("p");
      excerpt.className = "pd-sorted__excerpt";
      // Pagefind's excerpt is escaped text with <mark> around the matched words.
      excerpt.innerHTML = data.excerpt.replace(narrowing, "");
      var tags = document.createElement("ul");
      tags.className = "pd-sorted__tags";
      [["Authors", data.meta.authors], ["Date", data.meta.date], ["Topics", data.meta.topics],
        ["Upvotes", data.meta.upvotes]].forEach(function (pair) {
        if (pair[1]) tags.appendChild(text("li", "pd-sorted__tag", pair[0] + ": " + pair[1]));
      });
      entry.append(title, excerpt, tags);
      return entry;
    }
    function more(mine) {
      var next = found.slice(shown, shown + 10);
      shown += next.length;
      return Promise.all(next.map(function (result) { return result.data(); })).then(function (pages) {
        if (mine !== turn) return;
        var results = list.querySelector("ol");
        pages.forEach(function (data) { results.appendChild(item(data)); });
        var button = list.querySelector("button");
        button.hidden = shown >= found.length;
      });
    }
    function show(term, order) {
      var mine = ++turn;
      list.hidden = false;
      page.classList.add("pd-search-page--sorted");
      return load().then(function (pagefind) {
        return pagefind.search(narrowed(term));
      }).then(function (search) {
        if (mine !== turn) return;
        found = search.results.slice().sort(order === "upvotes" ? byUpvotes : byDay);
        shown = 0;
        list.textContent = "";
        var count = found.length;
        list.appendChild(text("p", "pd-sorted__message",
          count ? count + (count === 1 ? " result" : " results") + " for " + term +
            (order === "upvotes" ? ", most upvoted first" : ", newest first") : "No results for " + term));
        list.appendChild(document.createElement("ol"));
        var button = text("button", "md-button pd-sorted__more", "Load more results");
        button.type = "button";
        button.hidden = true;
        button.addEventListener("click", function () { more(turn); });
        list.appendChild(button);
        return more(mine);
      });
    }
    function hide() {
      turn += 1;
      list.hidden = true;
      page.classList.remove("pd-search-page--sorted");
    }
    return { show: show, hide: hide };
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
      var order = document.getElementById("pd-sort");
      // A narrowing word, with the <mark> Pagefind puts around a matched one.
      var NARROWING = /(?:<mark>)?\b(?:pdt|pdm|pdy)[a-z0-9]+\b(?:<\/mark>)?/g;
      var narrowed = function (term) {
        var words = selects.map(function (select) { return select.value; }).filter(Boolean);
        return words.length ? term + " " + words.join(" ") : term;
      };
      var ui = new PagefindUI(Object.assign({ element: "#pd-search-page", pageSize: 10,
        translations: { placeholder: "Search papers" },
        processTerm: narrowed,
        processResult: function (result) {
          result.excerpt = result.excerpt.replace(NARROWING, "");
          return result;
        } }, options));
      // Its own list of shards: Pagefind's UI takes bundlePath out of the ones it is given.
      var sorted = sortedResults(page, shardBundles(), narrowed, NARROWING);
      var params = new URLSearchParams(window.location.search);
      var query = params.get("q");
      var rerun = function () {
        var input = page.querySelector(".pagefind-ui__search-input");
        if (!input || !input.value.trim()) return;
        var term = input.value.trim();
        if (order && order.value !== "relevance") {
          sorted.show(term, order.value);
          return;
        }
        sorted.hide();
        // The same query again: Pagefind's UI searches only when its term changes, so
        // it changes twice (a trailing space, then back) in two turns of the loop.
        ui.triggerSearch(term + " ");
        setTimeout(function () { ui.triggerSearch(term); }, 0);
      };
      selects.forEach(function (select) {
        var chosen = params.get(select.id === "pd-narrow-topic" ? "topic" : "when");
        if (chosen) select.value = chosen;
        select.addEventListener("change", rerun);
      });
      if (order) {
        var chosenOrder = params.get("sort");
        // Compared with each option's value, never pasted into a selector: the
        // parameter is whatever a link says.
        var known = Array.prototype.some.call(order.options, function (option) { return option.value === chosenOrder; });
        if (known) order.value = chosenOrder;
        order.addEventListener("change", rerun);
        var typed = null;
        page.addEventListener("input", function (event) {
          if (order.value === "relevance") return;
          clearTimeout(typed);
          if (!event.target.value.trim()) sorted.hide();
          else typed = setTimeout(rerun, 300);
        });
      }
      if (query) {
        ui.triggerSearch(query);
        if (order && order.value !== "relevance") sorted.show(query, order.value);
      }
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
