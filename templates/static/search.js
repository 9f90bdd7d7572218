/* The search page: runs Pagefind over the archive's index and shows the results.
   The index is split into shards (pagefind/ and pagefind/aNN/, listed in
   pagefind/shards.json) that are merged here with mergeIndex. Every URL is made
   from this page's own address, so the site works under any path prefix; nothing
   is fetched from anywhere else. The only script a reader needs for search. */
(function () {
  "use strict";

  var PAGE = 20;
  var form = document.querySelector("form.search-form");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var facets = form.querySelector(".search-facets");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var status = document.getElementById("search--status");
  var list = document.getElementById("search--results");
  var more = document.getElementById("search--more");
  var kinds = {};
  JSON.parse(form.getAttribute("data-kinds") || "[]").forEach(function (pair) {
    kinds[pair[0]] = pair[1];
  });
  var bundle = new URL(form.getAttribute("data-bundle"), location.href);
  var root = new URL("../", bundle);  // the bundle lives at the site's root
  var pagefind = null;
  var current = null;   // {results, shown}
  var counter = 0;      // the latest search; older answers are dropped

  function say(text) { status.textContent = text; }

  // --- the state in the address: ?q=...&kind=quote&year=2018 ---

  function readAddress() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    selects.forEach(function (select) {
      var value = params.get(select.name);
      if (value) ensureOption(select, value);
      select.value = value || "";
    });
  }

  function writeAddress(push) {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    selects.forEach(function (select) { if (select.value) params.set(select.name, select.value); });
    var query = params.toString();
    var url = location.pathname + (query ? "?" + query : "");
    if (url !== location.pathname + location.search) {
      (push ? history.pushState : history.replaceState).call(history, null, "", url);
    }
  }

  function ensureOption(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) return;
    }
    var option = document.createElement("option");
    option.value = value;
    option.textContent = value;
    select.appendChild(option);
  }

  // --- searching ---

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (select) { if (select.value) filters[select.name] = select.value; });
    return filters;
  }

  async function run() {
    var term = input.value.trim();
    var filters = chosenFilters();
    var mine = ++counter;
    if (!term && !Object.keys(filters).length) {
      list.textContent = "";
      more.parentNode.hidden = true;
      facets.hidden = true;
      say("");
      return;
    }
    say("Searching…");
    var search = await pagefind.search(term || null, { filters: filters });
    if (mine !== counter || !search) return;
    current = { results: search.results, shown: 0 };
    list.textContent = "";
    fillFacets(search.filters || {});
    var count = search.results.length;
    var what = term ? " for “" + term + "”" : "";
    say(count === 0 ? "Nothing found" + what + "."
      : count + (count === 1 ? " result" : " results") + what + ".");
    await showMore(mine);
  }

  async function showMore(mine) {
    var slice = current.results.slice(current.shown, current.shown + PAGE);
    var data = await Promise.all(slice.map(function (result) { return result.data(); }));
    if (mine !== counter) return;
    data.forEach(function (item) { list.appendChild(resultItem(item)); });
    current.shown += slice.length;
    more.parentNode.hidden = current.shown >= current.results.length;
  }

  function fillFacets(available) {
    facets.hidden = false;
    selects.forEach(function (select) {
      var chosen = select.value;
      var counts = available[select.name] || {};
      var values = Object.keys(counts).filter(function (v) { return counts[v] > 0 || v === chosen; });
      values.sort(function (a, b) {
        return select.name === "year" ? b.localeCompare(a) : a.localeCompare(b);
      });
      while (select.options.length > 1) select.remove(1);
      values.forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        var label = select.name === "kind" ? (kinds[value] || value) : value;
        option.textContent = label + " (" + (counts[value] || 0) + ")";
        select.appendChild(option);
      });
      select.value = chosen;
      select.parentNode.hidden = values.length === 0;
    });
  }

  // --- one result ---

  function resultItem(item) {
    var meta = item.meta || {};
    var kind = meta.kind || "";
    var li = document.createElement("li");
    li.className = "search-result search-result-" + kind;
    var label = document.createElement("p");
    label.className = "search-kind";
    label.textContent = kinds[kind] || kind;
    var heading = document.createElement("p");
    heading.className = "search-title";
    var link = document.createElement("a");
    link.href = new URL((item.raw_url || item.url).replace(/^\/+/, ""), root).href;
    link.textContent = meta.title || link.href;
    heading.appendChild(link);
    li.appendChild(label);
    li.appendChild(heading);
    if (meta.detail) {
      var detail = document.createElement("p");
      detail.className = "search-detail";
      detail.textContent = meta.detail;
      li.appendChild(detail);
    }
    if (item.excerpt) {
      var excerpt = document.createElement("p");
      excerpt.className = "search-excerpt";
      appendExcerpt(excerpt, item.excerpt);
      li.appendChild(excerpt);
    }
    return li;
  }

  // Pagefind's excerpt is text with <mark> around the words found and < > written as
  // &lt; &gt;: it is rebuilt here from text nodes, never parsed as HTML.
  function appendExcerpt(element, excerpt) {
    excerpt.split(/(<\/?mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      if (!part) return marked;
      var text = document.createTextNode(part.replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
      if (marked) {
        var mark = document.createElement("mark");
        mark.appendChild(text);
        element.appendChild(mark);
      } else {
        element.appendChild(text);
      }
      return marked;
    }, false);
  }

  // --- start ---

  async function start() {
    if (location.protocol === "file:") {
      say("Search needs the site to be served over HTTP: browsers do not let a page opened " +
          "from a file load the search index. Run “annotarium serve” (or any web server " +
          "over the site’s folder) and open this page from there.");
      input.disabled = true;
      form.querySelector("button[type=submit]").disabled = true;
      return;
    }
    readAddress();
    say("Loading the search index…");
    try {
      pagefind = await import(new URL("pagefind.js", bundle).href);
      await pagefind.options({ excerptLength: 24 });
      var response = await fetch(new URL("shards.json", bundle).href);
      var shards = (await response.json()).shards;
      for (var i = 0; i < shards.length; i++) {
        await pagefind.mergeIndex(new URL(shards[i] + "/", bundle).href);
      }
      await pagefind.filters();  // loads the facets, so that each search counts them
    } catch (error) {
      say("The search index could not be loaded (" + error + ").");
      return;
    }
    say("");
    var timer = null;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      writeAddress(true);
      run();
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { writeAddress(false); run(); }, 250);
    });
    selects.forEach(function (select) {
      select.addEventListener("change", function () { writeAddress(false); run(); });
    });
    more.addEventListener("click", function () { showMore(counter); });
    window.addEventListener("popstate", function () { readAddress(); run(); });
    await run();
    if (!input.value) input.focus();
  }

  start();
})();
