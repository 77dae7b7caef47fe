// CareDesk behaviour that htmx attributes cannot express. Loaded as a file:
// the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // After htmx swaps in a form that came back with errors, move focus to the
  // first invalid field so keyboard users land where they need to type.
  // With hx-swap="outerHTML" the original target is gone by now, so look in
  // the element that was swapped in (event.target).
  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.target;
    if (!swapped || !swapped.querySelector) { return; }
    var invalid = swapped.querySelector(".is-invalid");
    if (invalid) { invalid.focus(); return; }
    var autofocus = swapped.querySelector("[autofocus]");
    if (autofocus) { autofocus.focus(); }
  });

  // Picking a customer from the search results (a button with data-customer-*)
  // fills the hidden customer field and shows who was picked.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-customer]");
    if (!button) { return; }
    event.preventDefault();
    var form = button.closest("form");
    var input = form.querySelector("input[name='customer']");
    input.value = button.getAttribute("data-pick-customer");
    var chosen = form.querySelector("[data-chosen-customer]");
    if (chosen) {
      chosen.textContent = button.getAttribute("data-customer-label");
      chosen.closest(".chosen-customer").classList.remove("d-none");
    }
    var results = form.querySelector("#customer-results");
    if (results) { results.innerHTML = ""; }
    var next = form.querySelector("[name='channel']");
    if (next) { next.focus(); }
  });
})();
