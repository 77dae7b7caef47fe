// CareDesk behaviour that htmx attributes cannot express. Loaded as a file:
// the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // After htmx swaps in a form that came back refused, move focus to where the person needs to be: the first
  // field in error (in page order), or else the form's own message (someone else changed the complaint, the
  // form is out of date: an alert with tabindex="-1"). This waits for htmx to settle: until then, content
  // whose ids were already on the page keeps the old elements' attributes (no aria-invalid, no is-invalid),
  // which is why the new-customer form's missing group was not found and focus was lost.
  document.addEventListener("htmx:afterSettle", function (event) {
    var settled = event.target;
    if (!settled || !settled.querySelector) { return; }
    var target = settled.querySelector("[aria-invalid='true']:not([type='hidden'])") ||
      settled.querySelector("form [role='alert'][tabindex='-1']") ||
      settled.querySelector("[autofocus]");
    if (target && target !== document.activeElement) { target.focus(); }
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
