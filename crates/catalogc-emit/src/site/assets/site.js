// catalogc site: the `/` shortcut, sortable tables, and the service list (search, filters,
// sorting and batches over assets/search-index.js). Hand-written, no framework.
//
// Security: the page's Content-Security-Policy forbids inline script and style, so this file
// never sets `style`, and catalog text only ever reaches the page through `textContent` or
// attribute values: no HTML is built from strings.
(function () {
  "use strict";
  var doc = document;

  // `/` focuses the page's search box, unless the reader is typing somewhere.
  doc.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = doc.querySelector("input[type=search]");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Turns a header cell's content into a button that reports clicks; the cell gets aria-sort.
  function sortButton(th, onSort) {
    var button = el("button", "sort");
    button.type = "button";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () { onSort(th); });
  }

  function compareValues(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (!isNaN(x) && !isNaN(y) && String(x) === a && String(y) === b) return x - y;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  // Server-rendered tables with class "sortable": rows sort by a cell's data-sort or text.
  function initSortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    var body = table.tBodies[0];
    if (!body) return;
    Array.prototype.forEach.call(heads, function (th, column) {
      if (th.querySelector("a, button")) return;
      sortButton(th, function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[column];
          if (!cell) return "";
          var sort = cell.getAttribute("data-sort");
          return sort !== null ? sort : cell.textContent.trim();
        };
        rows.sort(function (a, b) {
          var order = compareValues(key(a), key(b));
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  Array.prototype.forEach.call(doc.querySelectorAll("table.sortable"), initSortable);

  var index = window.CATALOG_INDEX;
  var tbody = doc.getElementById("service-rows");
  if (!index || !tbody) return;

  // ---- The service list -------------------------------------------------------------
  // Index format (see site/search.rs): services are arrays
  // [name, title or "", description, owner, lifecycle, tier or 0, [tags], [levels]]
  // where owner, lifecycle and tags index the lookup lists, and each level is -1 (the
  // scorecard does not apply), 0 (no level reached) or 1.. (a 1-based index in its ladder).
  var form = doc.getElementById("filters");
  var status = doc.getElementById("status");
  var more = doc.getElementById("more");
  var all = doc.getElementById("all");
  var table = doc.getElementById("services");
  var services = index.services;
  var batch = index.batch || 200;
  var haystacks = services.map(function (s) {
    var owner = index.owners[s[3]] || [];
    var tags = s[6].map(function (t) { return index.tags[t]; });
    return [s[0], s[1], s[2], owner[0], owner[1], tags.join(" ")].join("\n").toLowerCase();
  });
  var state = { sort: "name", descending: false, matches: [], shown: 0 };

  form.hidden = false;
  var fields = ["q", "owner", "lifecycle", "tier", "tag", "level"];
  function field(name) { return form.elements.namedItem(name); }

  function readLocation() {
    var params = new URLSearchParams(location.hash.slice(1));
    var query = new URLSearchParams(location.search).get("q");
    if (query && !params.has("q")) params.set("q", query);
    fields.forEach(function (name) {
      var input = field(name);
      if (!input) return;
      var value = params.get(name) || "";
      if (input.tagName === "SELECT" && !Array.prototype.some.call(input.options, function (o) { return o.value === value; })) value = "";
      input.value = value;
    });
    var sort = params.get("sort") || "name";
    state.descending = sort.charAt(0) === "-";
    state.sort = sort.replace(/^-/, "");
  }

  function writeLocation() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var input = field(name);
      if (input && input.value) params.set(name, input.value);
    });
    if (state.sort !== "name" || state.descending) params.set("sort", (state.descending ? "-" : "") + state.sort);
    var hash = params.toString();
    try {
      history.replaceState(null, "", location.pathname + (hash ? "#" + hash : ""));
    } catch (error) {
      // Some file:// setups refuse replaceState; the list still works without it.
    }
  }

  function lookup(list, value) { return value === "" ? -2 : list.indexOf(value); }

  function filter() {
    var words = (field("q").value || "").toLowerCase().split(/\s+/).filter(Boolean);
    var owner = lookup(index.owners.map(function (o) { return o[0]; }), field("owner").value);
    var lifecycle = lookup(index.lifecycles, field("lifecycle").value);
    var tier = field("tier").value;
    var tag = lookup(index.tags, field("tag").value);
    var levelInput = field("level");
    var level = levelInput ? levelInput.value : "";
    var card = -1, rank = 0;
    if (level) {
      var parts = level.split(":");
      card = index.scorecards.map(function (c) { return c.name; }).indexOf(parts[0]);
      rank = card < 0 ? -1 : (parts[1] === "none" ? 0 : index.scorecards[card].levels.indexOf(parts[1]) + 1);
    }
    var matches = [];
    for (var i = 0; i < services.length; i++) {
      var s = services[i];
      if (owner !== -2 && s[3] !== owner) continue;
      if (lifecycle !== -2 && s[4] !== lifecycle) continue;
      if (tier && String(s[5] || "none") !== tier) continue;
      if (tag !== -2 && s[6].indexOf(tag) < 0) continue;
      if (level && (card < 0 || s[7][card] !== rank)) continue;
      var hay = haystacks[i], ok = true;
      for (var w = 0; w < words.length && ok; w++) ok = hay.indexOf(words[w]) >= 0;
      if (ok) matches.push(i);
    }
    return matches;
  }

  function sortKey(i) {
    var s = services[i];
    switch (state.sort) {
      case "owner": return (index.owners[s[3]] || [""])[1] || "";
      case "lifecycle": return s[4];
      case "tier": return s[5] || 9;
      default:
        if (state.sort.indexOf("level-") === 0) return s[7][+state.sort.slice(6)];
        return s[0];
    }
  }

  function sortMatches(matches) {
    matches.sort(function (a, b) {
      var x = sortKey(a), y = sortKey(b);
      var order = typeof x === "number" ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      if (order === 0) order = services[a][0] < services[b][0] ? -1 : 1;
      return state.descending ? -order : order;
    });
  }

  function row(i) {
    var s = services[i];
    var tr = el("tr");
    var th = el("th");
    th.scope = "row";
    var link = el("a", null, s[1] || s[0]);
    link.href = "services/" + s[0] + ".html";
    th.appendChild(link);
    if (s[1] && s[1] !== s[0]) {
      th.appendChild(doc.createTextNode(" "));
      th.appendChild(el("code", "name", s[0]));
    }
    if (s[2]) th.appendChild(el("span", "desc", s[2]));
    tr.appendChild(th);

    var owner = index.owners[s[3]] || ["", ""];
    var td = el("td");
    var ownerLink = el("a", null, owner[1] || owner[0]);
    ownerLink.href = "teams/" + owner[0] + ".html";
    td.appendChild(ownerLink);
    tr.appendChild(td);

    var lifecycle = index.lifecycles[s[4]] || "";
    td = el("td");
    td.appendChild(el("span", "badge lc-" + lifecycle, lifecycle));
    tr.appendChild(td);

    td = el("td");
    if (s[5]) {
      var tier = el("span", "badge tier tier-" + s[5], "tier " + s[5]);
      tier.title = "tier " + s[5] + " (1 is the most critical)";
      td.appendChild(tier);
    } else {
      td.appendChild(el("span", "muted", "no tier"));
    }
    tr.appendChild(td);

    td = el("td");
    s[6].forEach(function (t) {
      var name = index.tags[t];
      var tag = el("a", "tag", name);
      tag.href = "#tag=" + encodeURIComponent(name);
      td.appendChild(tag);
    });
    tr.appendChild(td);

    index.scorecards.forEach(function (card, c) {
      var rank = s[7][c];
      var cell = el("td");
      if (rank < 0) {
        var na = el("span", "muted", "n/a");
        na.title = "does not apply";
        cell.appendChild(na);
      } else if (rank === 0) {
        cell.appendChild(el("span", "badge lvl lvl-none", "no level"));
      } else {
        cell.appendChild(el("span", "badge lvl lvl-" + card.tones[rank - 1], card.levels[rank - 1]));
      }
      tr.appendChild(cell);
    });
    return tr;
  }

  function showUpTo(count) {
    var end = Math.min(count, state.matches.length);
    var fragment = doc.createDocumentFragment();
    for (var k = state.shown; k < end; k++) fragment.appendChild(row(state.matches[k]));
    tbody.appendChild(fragment);
    state.shown = end;
    var rest = state.matches.length - end;
    more.hidden = rest <= 0;
    all.hidden = rest <= batch;
    more.textContent = "Show " + Math.min(batch, rest).toLocaleString() + " more";
    all.textContent = "Show all " + state.matches.length.toLocaleString();
    var total = services.length.toLocaleString();
    var found = state.matches.length === services.length
      ? total + " services"
      : state.matches.length.toLocaleString() + " of " + total + " services match";
    status.textContent = found + (rest > 0 ? ", " + end.toLocaleString() + " shown" : "");
  }

  function update() {
    state.matches = filter();
    sortMatches(state.matches);
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    state.shown = 0;
    showUpTo(batch);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var key = th.getAttribute("data-key");
      if (key === state.sort) th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    var key = th.getAttribute("data-key");
    if (!key) return;
    sortButton(th, function () {
      state.descending = state.sort === key ? !state.descending : false;
      state.sort = key;
      update();
      writeLocation();
    });
  });

  var timer = 0;
  form.addEventListener("input", function (event) {
    // Typing re-filters after a short pause; selects apply at once.
    clearTimeout(timer);
    var run = function () { update(); writeLocation(); };
    if (event.target.type === "search") timer = setTimeout(run, services.length > 2000 ? 120 : 30);
    else run();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { update(); writeLocation(); }, 0);
  });
  field("q").addEventListener("keydown", function (event) {
    if (event.key === "Escape" && field("q").value) {
      field("q").value = "";
      update();
      writeLocation();
    }
  });
  more.addEventListener("click", function () { showUpTo(state.shown + batch); });
  all.addEventListener("click", function () { showUpTo(state.matches.length); });
  window.addEventListener("hashchange", function () { readLocation(); update(); });

  readLocation();
  update();
})();
