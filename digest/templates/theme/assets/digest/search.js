// Pagefind search: live results under the header box on every page, and a full search
// page with topic and month filters that also answers ?q= links.
(function () {
  "use strict";
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

  // The search page: its own box, narrowing and order, its own results. Pagefind finds
  // the papers (best match first); topic and time narrow them exactly, with each
  // bundle's pd-sort.json (each paper's day, upvotes and topics, by Pagefind page id; see
  // search.py's Shard.sort_keys), fetched only once a reader narrows or reorders. What is
  // shown is always the answer to what the box holds now: an answer that comes back
  // after the reader typed on is dropped.
  function searchPage(page) {
    var input = document.getElementById("pd-q");
    var topic = document.getElementById("pd-narrow-topic");
    var when = document.getElementById("pd-narrow-when");
    var order = document.getElementById("pd-sort");
    var script = document.querySelector('script[src*="pagefind-ui.js"]');
    var primary = script ? new URL(".", script.src).pathname : "/pagefind/";
    var shards = shardBundles();
    var engine = null, keys = null, turn = 0, found = [], shown = 0, typed = null;

    function load() {
      if (engine) return engine;
      engine = import(primary + "pagefind.js").then(function (pagefind) {
        return pagefind.options({ basePath: primary, excerptLength: 24 }).then(function () {
          return Promise.all(shards.map(function (shard) { return pagefind.mergeIndex(shard.bundlePath); }));
        }).then(function () { return pagefind; });
      });
      return engine;
    }
    function loadKeys() {
      if (keys) return keys;
      var bundles = [primary].concat(shards.map(function (shard) { return shard.bundlePath; }));
      keys = Promise.all(bundles.map(function (bundle) {
        return fetch(bundle + "pd-sort.json").then(function (answer) { return answer.json(); });
      })).then(function (files) {
        var known = { day: {}, upvotes: {}, topics: {} };
        files.forEach(function (file) {
          Object.keys(file.days).forEach(function (day) {
            var ids = file.days[day][0].split(" ");
            var votes = file.days[day][1] ? file.days[day][1].split(" ") : [];
            ids.forEach(function (id, index) {
              known.day[file.prefix + id] = day;
              if (votes[index] && votes[index] !== "0") known.upvotes[file.prefix + id] = parseInt(votes[index], 10);
            });
          });
          Object.keys(file.topics || {}).forEach(function (slug) {
            var members = known.topics[slug] || (known.topics[slug] = {});
            file.topics[slug].split(" ").forEach(function (id) { members[file.prefix + id] = true; });
          });
        });
        return known;
      });
      return keys;
    }
    function chosen(select) { return select ? select.value : ""; }
    // A query's hyphens as spaces: the index holds "mixture-of-experts" also as
    // "mixture of experts" (search.py's spaced_compounds), so both spellings match.
    function normalized(term) { return term.replace(/(\w)-(?=\w)/g, "$1 "); }
    function text(tag, className, content) {
      var element = document.createElement(tag);
      if (className) element.className = className;
      if (content) element.textContent = content;
      return element;
    }
    function item(data) {
      var entry = text("li", "pd-result");
      var title = text("a", "pd-result__title", data.meta.title || data.url);
      title.href = data.url;
      var meta = text("p", "pd-result__meta");
      if (data.meta.authors) meta.appendChild(text("span", "pd-result__authors", data.meta.authors));
      if (data.meta.day) {
        var day = text("time", "pd-result__day", data.meta.date || data.meta.day);
        day.setAttribute("datetime", data.meta.day);
        meta.appendChild(day);
      }
      if (data.meta.topics) meta.appendChild(text("span", "pd-result__topics", data.meta.topics));
      if (data.meta.upvotes) meta.appendChild(text("span", "pd-result__upvotes", "\u25B2 " + data.meta.upvotes));
      var excerpt = text("p", "pd-result__excerpt");
      // Pagefind's excerpt is escaped text with <mark> around the matched words.
      excerpt.innerHTML = data.excerpt;
      entry.append(title, meta, excerpt);
      return entry;
    }
    function more(mine) {
      var next = found.slice(shown, shown + 10);
      shown += next.length;
      return Promise.all(next.map(function (result) { return result.data(); })).then(function (pages) {
        if (mine !== turn) return;
        var list = page.querySelector(".pd-results__list");
        pages.forEach(function (data) { list.appendChild(item(data)); });
        page.querySelector(".pd-results__more").hidden = shown >= found.length;
      });
    }
    function remember(term) {
      var params = new URLSearchParams();
      if (term) params.set("q", term);
      if (chosen(topic)) params.set("topic", chosen(topic));
      var span = chosen(when);
      if (span) {
        params.set("year", span.slice(0, 4));
        if (span.length > 4) params.set("month", span.slice(5, 7));
      }
      if (chosen(order) && chosen(order) !== "relevance") params.set("sort", chosen(order));
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
    function describe(term, count) {
      var parts = [];
      if (chosen(topic)) parts.push(topic.options[topic.selectedIndex].textContent.trim());
      if (chosen(when)) parts.push(when.options[when.selectedIndex].textContent.trim());
      var said = count ? count + (count === 1 ? " result" : " results") + " for \u201C" + term + "\u201D"
        : "No results for \u201C" + term + "\u201D";
      if (parts.length) said += " in " + parts.join(", ");
      if (count && chosen(order) === "date") said += ", newest first";
      if (count && chosen(order) === "upvotes") said += ", most upvoted first";
      return said;
    }
    function run() {
      var term = input.value.trim();
      var mine = ++turn;
      remember(term);
      if (!term) {
        page.textContent = "";
        return Promise.resolve();
      }
      var narrowing = chosen(topic) || chosen(when) || chosen(order) !== "relevance";
      return Promise.all([load(), narrowing ? loadKeys() : null]).then(function (ready) {
        if (mine !== turn) return null;
        return ready[0].search(normalized(term)).then(function (search) {
          return [search, ready[1]];
        });
      }).then(function (answer) {
        if (!answer || mine !== turn) return null;
        var results = answer[0].results, known = answer[1];
        if (known) {
          var slug = chosen(topic), span = chosen(when);
          results = results.filter(function (result) {
            var day = known.day[result.id] || "";
            if (span && day.slice(0, span.length) !== span) return false;
            return !slug || Boolean((known.topics[slug] || {})[result.id]);
          });
          var byDay = function (a, b) {
            var x = known.day[a.id] || "", y = known.day[b.id] || "";
            return x < y ? 1 : x > y ? -1 : 0;
          };
          if (chosen(order) === "date") results = results.slice().sort(byDay);
          if (chosen(order) === "upvotes") {
            results = results.slice().sort(function (a, b) {
              return (known.upvotes[b.id] || 0) - (known.upvotes[a.id] || 0) || byDay(a, b);
            });
          }
        }
        found = results;
        shown = 0;
        page.textContent = "";
        page.appendChild(text("p", "pd-results__message", describe(term, found.length)));
        page.appendChild(text("ol", "pd-results__list"));
        var button = text("button", "md-button pd-results__more", "Load more results");
        button.type = "button";
        button.hidden = true;
        button.addEventListener("click", function () { more(turn); });
        page.appendChild(button);
        return more(mine);
      });
    }
    // The page's own address sets the box, narrowing and order (?q=&topic=&year=&month=&sort=).
    var params = new URLSearchParams(window.location.search);
    function pick(select, value) {
      // Compared with each option's value, never put into a selector or markup: the
      // parameter is whatever a link says.
      if (select && value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    }
    pick(topic, params.get("topic"));
    var year = params.get("year") || "", month = params.get("month") || "";
    if (/^\d{4}-\d{2}$/.test(month)) { year = month.slice(0, 4); month = month.slice(5); }
    pick(when, month ? year + "-" + ("0" + month).slice(-2) : year);
    pick(order, params.get("sort"));
    input.value = params.get("q") || "";
    input.addEventListener("input", function () {
      clearTimeout(typed);
      typed = setTimeout(run, 150);
    });
    input.form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(typed); run(); });
    [topic, when, order].forEach(function (select) { if (select) select.addEventListener("change", run); });
    if (input.value) run();
    return { run: run };
  }

  function start() {
    if (typeof PagefindUI === "undefined") return;
    var header = document.getElementById("pd-search");
    var page = document.getElementById("pd-results");
    var options = { showSubResults: false, showImages: false, resetStyles: false,
      mergeIndex: shardBundles() };
    if (page) {
      window.digestSearch = searchPage(page);
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
