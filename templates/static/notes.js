/* Margin notes without gaps in the text (wide screens, optional).
   Without JavaScript each run of paragraphs is a grid with its notes beside it, which
   can leave space below the text when the notes are longer. With this script the notes
   are taken out of the flow and set beside their first marker; a note that would
   overlap the one above moves down below it, so the text runs on without gaps. */
(function () {
  "use strict";
  var body = document.querySelector(".article-body");
  var article = body && body.closest("article");
  if (!body || !article || !window.matchMedia) { return; }
  var wide = window.matchMedia("(min-width: 70rem)");
  var GAP = 12;
  var pending = false;

  function reset(asides) {
    article.classList.remove("sidenotes");
    body.style.minHeight = "";
    asides.forEach(function (aside) { aside.style.top = ""; });
  }

  function layout() {
    pending = false;
    var asides = Array.prototype.slice.call(body.querySelectorAll(".has-notes > aside.notes"));
    if (!wide.matches || asides.length === 0) { reset(asides); return; }
    article.classList.add("sidenotes");
    var origin = body.getBoundingClientRect().top;
    var wanted = asides.map(function (aside) {
      var first = aside.querySelector("li[id]");
      var marker = first && document.getElementById(first.id.replace(/--note$/, "--ref"));
      var anchor = marker || aside.parentElement.firstElementChild;
      return anchor.getBoundingClientRect().top - origin - 4;
    });
    var bottom = 0;
    asides.forEach(function (aside, index) {
      var top = Math.max(wanted[index], bottom);
      aside.style.top = Math.round(top) + "px";
      bottom = top + aside.offsetHeight + GAP;
    });
    body.style.minHeight = Math.ceil(bottom) + "px";
  }

  function schedule() {
    if (!pending) { pending = true; window.requestAnimationFrame(layout); }
  }

  schedule();
  window.addEventListener("resize", schedule);
  window.addEventListener("load", schedule);
  if (wide.addEventListener) { wide.addEventListener("change", schedule); }
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(schedule); }
  window.addEventListener("beforeprint", function () {
    reset(Array.prototype.slice.call(body.querySelectorAll(".has-notes > aside.notes")));
  });
  window.addEventListener("afterprint", schedule);
})();
