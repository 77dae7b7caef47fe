/* The API docs page (templates/api/swagger_ui.html): accessibility fixes to the markup Swagger UI renders.
 *
 * Swagger UI is React and renders at any time (the schema arriving, an operation opened, "Try it out", the
 * Authorize dialog), so a MutationObserver applies these after every change. Each fix only adds or corrects
 * an attribute, so running it again changes nothing: it is idempotent, and attribute changes are not what
 * the observer listens to, so it cannot loop. Colours are in static/css/api_docs.css.
 */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || !window.MutationObserver) return;

  function set(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function hasName(field) {
    return field.labels.length > 0 || field.hasAttribute("aria-label") || field.hasAttribute("aria-labelledby");
  }

  // "GET /api/v1/complaints/": names a code sample after its operation, so the samples are told apart.
  function operationOf(el) {
    var block = el.closest(".opblock");
    var method = block && block.querySelector(".opblock-summary-method");
    var path = block && block.querySelector(".opblock-summary-path");
    if (!method || !path) return "";
    return ", " + method.textContent.trim() + " " + (path.getAttribute("data-path") || path.textContent.trim());
  }

  function codeSampleName(pre) {
    var response = pre.closest("tr.response[data-code]");
    if (pre.closest(".curl-command")) return "curl command";
    if (pre.closest(".live-responses-table")) return "Server response";
    if (response) return "Example response " + response.getAttribute("data-code");
    if (pre.closest(".opblock-section-request-body, .body-param")) return "Example request body";
    return "Code sample";
  }

  function fix() {
    // Swagger draws its operations in a <main> of its own, inside the page's (which also holds the title and
    // Authorize): two main landmarks. Make its one a named region; its "Skip to operations" link still works.
    root.querySelectorAll("main#operations").forEach(function (operations) {
      set(operations, "role", "region");
      set(operations, "aria-label", "Operations");
    });

    // A parameter's fields (true/false and enum <select>s, text inputs) have no label: name each after its
    // parameter, the name shown next to it. The "Send empty value" checkbox has a <label> of its own.
    root.querySelectorAll("tr[data-param-name] select, tr[data-param-name] input, tr[data-param-name] textarea")
      .forEach(function (field) {
        if (!hasName(field)) set(field, "aria-label", field.closest("tr").getAttribute("data-param-name"));
      });
    root.querySelectorAll("textarea.body-param__text").forEach(function (field) {
      if (!hasName(field)) set(field, "aria-label", "Request body");
    });

    // Code samples scroll sideways (overflow-x: auto, inline) and need the keyboard to reach them; as focusable
    // things they need a role and a name, or a screen reader announces only "clickable".
    root.querySelectorAll("pre.microlight").forEach(function (pre) {
      set(pre, "tabindex", "0");
      set(pre, "role", "region");
      set(pre, "aria-label", codeSampleName(pre) + operationOf(pre));
    });

    // Each operation's responses table is a live region with no name; two operations open, two alike.
    root.querySelectorAll("table.responses-table[role=region]").forEach(function (table) {
      set(table, "aria-label", "Responses" + operationOf(table));
    });

    // The Authorize dialog is a plain <div>: say it is a dialog, and which. Its close button is an icon only.
    root.querySelectorAll(".modal-ux").forEach(function (dialog) {
      set(dialog, "role", "dialog");
      set(dialog, "aria-label", "Available authorizations");
    });
    root.querySelectorAll("button.close-modal").forEach(function (button) {
      set(button, "aria-label", "Close");
    });
    // Its value fields have a visible <label> ("Value:") and an aria-label of the field's id, which hides
    // the label from screen readers: drop that aria-label so the label names the field.
    root.querySelectorAll(".auth-container input[aria-label]").forEach(function (field) {
      if (field.labels.length > 0 && field.getAttribute("aria-label") === field.id) field.removeAttribute("aria-label");
    });
    // Its buttons read "Authorize" but are named "Apply credentials": a speech user saying what they see
    // would miss them (WCAG 2.5.3, label in name). Keep Swagger's words after the visible ones.
    root.querySelectorAll(".auth-btn-wrapper button[aria-label]").forEach(function (button) {
      var text = button.textContent.trim(), label = button.getAttribute("aria-label");
      if (text && label.toLowerCase().indexOf(text.toLowerCase()) !== 0) set(button, "aria-label", text + ": " + label);
    });
  }

  fix();
  new MutationObserver(fix).observe(root, { childList: true, subtree: true });
})();
