/* Switches for the marks in an article: one checkbox per kind in the legend.
   Without JavaScript the switches stay hidden and every mark stays visible.
   The reader's choice is remembered in localStorage when the browser allows it. */
(function () {
  "use strict";
  var KEY = "annotarium.hidden-marks";

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]") || []; }
    catch (error) { return []; }
  }

  function save(hidden) {
    try { window.localStorage.setItem(KEY, JSON.stringify(hidden)); }
    catch (error) { /* private mode or file:// without storage: not remembered */ }
  }

  var boxes = document.querySelectorAll("[data-mark-toggles]");
  Array.prototype.forEach.call(boxes, function (box) {
    var scope = box.closest("article") || document.body;
    var inputs = box.querySelectorAll("input[type=checkbox][value]");
    var hidden = load();

    function apply(input) {
      scope.classList.toggle("hide-" + input.value, !input.checked);
    }

    Array.prototype.forEach.call(inputs, function (input) {
      input.checked = hidden.indexOf(input.value) < 0;
      apply(input);
      input.addEventListener("change", function () {
        apply(input);
        hidden = load().filter(function (kind) { return kind !== input.value; });
        if (!input.checked) { hidden.push(input.value); }
        save(hidden);
      });
    });
    box.hidden = false;
  });
})();
