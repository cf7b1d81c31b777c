// The reader's own view of the digest, kept in this browser only (localStorage, per
// site, keyed by paper id, so it survives every rebuild): whether cards open with their
// abstracts, which papers are read (they fade) and saved (the Saved page lists and
// exports them), and the keyboard: j/k next/previous card, o open it, s save, m mark
// read, / search, ? help. Also what the page decides in the reader's browser: the home
// page's notice of a missing day, and the BibTeX copy buttons (paper pages too, which
// load no search).
(function () {
  "use strict";
  var script = document.currentScript;
  // The site's root, from this script's own address: two digests on one host (GitHub
  // Pages project sites share an origin) keep their state apart.
  var root = script ? script.src.replace(/assets\/digest\/reader\.js.*$/, "") : location.origin + "/";
  var PREFIX = "paper-digest:" + root + ":";

  function stored(key) {
    try { return window.localStorage.getItem(PREFIX + key); } catch (error) { return null; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(PREFIX + key, value); } catch (error) { /* private mode: not kept */ }
  }
  function loaded(key) {
    try { return JSON.parse(stored(key) || "{}") || {}; } catch (error) { return {}; }
  }
  function kept(key, value) { store(key, JSON.stringify(value)); }
  // A stored address as a link target, or null: localStorage is shared by every site
  // of one origin (GitHub project pages of one owner), so what it holds is untrusted,
  // and only http(s) addresses become links (never javascript: or data:).
  function webAddress(value) {
    try {
      var address = new URL(String(value), location.href);
      return address.protocol === "http:" || address.protocol === "https:" ? address.href : null;
    } catch (error) { return null; }
  }

  function cards() { return Array.prototype.slice.call(document.querySelectorAll("article.pd-paper")); }
  // A card's paper: its anchor, the same on every page (a pick's card is prefixed).
  function paperOf(card) { return card.id.replace(/^pick-/, ""); }

  // "Expand all": one switch over the cards' disclosures, remembered for the next page.
  function expandSwitch() {
    var all = document.querySelectorAll("details.pd-paper__more");
    // A paper's own page shows its one abstract open, whatever the switch says.
    if (!all.length || document.body.classList.contains("pd-paper-page")) return;
    var first = document.querySelector("article.pd-paper");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button pd-expand";
    function show(open) {
      all.forEach(function (details) { details.open = open; });
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Collapse all abstracts" : "Expand all abstracts";
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-pressed") !== "true";
      store("expand", open ? "1" : "0");
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
    show(stored("expand") === "1");
  }

  // Read and saved: a toggle pair on every card.
  function toggle(label, pressed, onLabel) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "pd-tool";
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
    button.textContent = pressed ? onLabel : label;
    button.dataset.off = label;
    button.dataset.on = onLabel;
    return button;
  }
  function setPressed(button, pressed) {
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
    button.textContent = pressed ? button.dataset.on : button.dataset.off;
  }
  function entryOf(card) {
    var title = card.querySelector(".pd-paper__title");
    var link = title.querySelector("a");
    var bib = card.querySelector(".pd-bib code");
    return {
      title: title.firstChild ? title.textContent.replace(/¶$/, "").trim() : "",
      url: link ? link.href : location.href.split("#")[0] + "#" + card.id,
      bibtex: bib ? bib.textContent : "",
    };
  }
  function markRead(card, read) {
    var state = loaded("read");
    if (read) state[paperOf(card)] = 1; else delete state[paperOf(card)];
    kept("read", state);
    card.classList.toggle("pd-read", read);
    setPressed(card.querySelector(".pd-tool--read"), read);
  }
  function markSaved(card, saved) {
    var state = loaded("saved");
    if (saved) state[paperOf(card)] = entryOf(card); else delete state[paperOf(card)];
    kept("saved", state);
    setPressed(card.querySelector(".pd-tool--save"), saved);
  }
  function cardTools() {
    var read = loaded("read");
    var saved = loaded("saved");
    var all = cards();
    // In batches, between which the browser can paint and answer: a topic month has
    // hundreds of cards, and one long task would hold the page for 400 ms on a phone.
    function batch(start) {
      all.slice(start, start + 40).forEach(function (card) {
        var id = paperOf(card);
        var tools = document.createElement("span");
        tools.className = "pd-tools";
        var save = toggle("Save", !!saved[id], "Saved ✓");
        save.classList.add("pd-tool--save");
        save.addEventListener("click", function () { markSaved(card, save.getAttribute("aria-pressed") !== "true"); });
        var done = toggle("Read", !!read[id], "Read ✓");
        done.setAttribute("aria-label", "Mark read");
        done.classList.add("pd-tool--read");
        done.addEventListener("click", function () { markRead(card, done.getAttribute("aria-pressed") !== "true"); });
        tools.appendChild(save);
        tools.appendChild(done);
        var links = card.querySelector(".pd-paper__links");
        (links || card).appendChild(tools);
        if (read[id]) card.classList.add("pd-read");
        card.setAttribute("tabindex", "-1");
      });
      if (start + 40 < all.length) setTimeout(function () { batch(start + 40); }, 0);
    }
    batch(0);
  }

  // The Saved page: the list, and the same as BibTeX or as links to take elsewhere.
  function download(name, text, type) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  function savedPage() {
    var place = document.getElementById("pd-saved");
    if (!place) return;
    function draw() {
      var saved = loaded("saved");
      var ids = Object.keys(saved).sort(function (a, b) { return String(saved[a].title).localeCompare(String(saved[b].title)); });
      place.textContent = "";
      if (!ids.length) {
        var none = document.createElement("p");
        none.textContent = "No saved papers yet: press Save on a card, or s on a focused card.";
        place.appendChild(none);
        return;
      }
      var actions = document.createElement("p");
      var bib = document.createElement("button");
      bib.type = "button";
      bib.className = "md-button pd-saved-bibtex";
      bib.textContent = "Download BibTeX";
      bib.addEventListener("click", function () {
        download("saved.bib", ids.map(function (id) { return saved[id].bibtex; }).filter(Boolean).join("\n\n") + "\n", "application/x-bibtex");
      });
      var links = document.createElement("button");
      links.type = "button";
      links.className = "md-button pd-saved-links";
      links.textContent = "Download links";
      links.addEventListener("click", function () {
        download("saved.txt", ids.map(function (id) { return saved[id].title + "\n" + saved[id].url; }).join("\n\n") + "\n", "text/plain");
      });
      actions.appendChild(bib);
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(links);
      place.appendChild(actions);
      var list = document.createElement("ol");
      list.className = "pd-saved__list";
      ids.forEach(function (id) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        var address = webAddress(saved[id].url);
        if (address) link.href = address;
        link.textContent = saved[id].title;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "pd-tool";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", "Remove " + saved[id].title);
        remove.addEventListener("click", function () {
          var state = loaded("saved");
          delete state[id];
          kept("saved", state);
          draw();
        });
        item.appendChild(link);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(remove);
        list.appendChild(item);
      });
      place.appendChild(list);
    }
    draw();
  }

  // The keyboard.
  var KEYS = [
    ["j", "next card"], ["k", "previous card"], ["o", "open or close its abstract"],
    ["s", "save it (or unsave)"], ["m", "mark it read (or unread)"], ["/", "search"],
    ["?", "this help"],
  ];
  function help() {
    var dialog = document.querySelector("dialog.pd-help");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "pd-help";
      dialog.setAttribute("aria-labelledby", "pd-help-title");
      var title = document.createElement("h2");
      title.id = "pd-help-title";
      title.textContent = "Keyboard shortcuts";
      var list = document.createElement("dl");
      KEYS.forEach(function (pair) {
        var key = document.createElement("dt");
        var kbd = document.createElement("kbd");
        kbd.textContent = pair[0];
        key.appendChild(kbd);
        var what = document.createElement("dd");
        what.textContent = pair[1];
        list.appendChild(key);
        list.appendChild(what);
      });
      var close = document.createElement("button");
      close.type = "button";
      close.className = "md-button";
      close.textContent = "Close";
      close.addEventListener("click", function () { dialog.close(); });
      dialog.appendChild(title);
      dialog.appendChild(list);
      dialog.appendChild(close);
      document.body.appendChild(dialog);
    }
    if (dialog.open) dialog.close(); else dialog.showModal();
  }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("article.pd-paper") : null;
  }
  function keyboard() {
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (target && target.isContentEditable) return;
      var all = cards();
      var card = current();
      var at = card ? all.indexOf(card) : -1;
      if (event.key === "?") { event.preventDefault(); help(); return; }
      if (!all.length) return;
      if (event.key === "j" || event.key === "k") {
        event.preventDefault();
        var next = event.key === "j" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
        all[next].focus();
        all[next].scrollIntoView({ block: "start" });
        return;
      }
      if (!card) return;
      if (event.key === "o") {
        event.preventDefault();
        var details = card.querySelector("details.pd-paper__more");
        if (details) details.open = !details.open;
        else { var link = card.querySelector(".pd-paper__title a"); if (link) link.click(); }
      } else if (event.key === "s") {
        event.preventDefault();
        markSaved(card, card.querySelector(".pd-tool--save").getAttribute("aria-pressed") !== "true");
      } else if (event.key === "m") {
        event.preventDefault();
        markRead(card, card.querySelector(".pd-tool--read").getAttribute("aria-pressed") !== "true");
      }
    });
  }

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

  function start() {
    freshness();
    copyButtons();
    expandSwitch();
    cardTools();
    savedPage();
    keyboard();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
