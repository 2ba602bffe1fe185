// Small progressive enhancements; every page works without them.

// A form refused with 400 or 422 comes back with its errors and is swapped in (the htmx-config of
// templates/base.html); any other error replaces the target with a message, not a blank.
document.addEventListener("htmx:responseError", function (event) {
  var target = event.detail.target;
  if (target) {
    target.setAttribute("role", "alert");
    target.textContent = "Something went wrong (" + event.detail.xhr.status + "). Please try again.";
  }
});

// Copy buttons beside a tracked link's address (sharing/_copy_field.html): shown only with a script.
(function () {
  "use strict";
  function ready() {
    document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    var field = button && document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    function copied() {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy link"; }, 2000);
    }
    function byHand() {
      field.select();
      try { if (document.execCommand("copy")) { copied(); } } catch (error) { /* the address stays selected */ }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(copied, byHand);
    } else {
      byHand();
    }
  });
})();

// Disclosures marked data-open-when-wide (the library's filters) are open beside the content on a
// wide screen and closed on a phone, where they would push the results below the first screenful.
// Without JavaScript they stay closed everywhere and open with a click.
(function () {
  var wide = window.matchMedia("(min-width: 801px)");
  function apply(root) {
    (root || document).querySelectorAll("details[data-open-when-wide]").forEach(function (details) {
      details.open = wide.matches;
    });
  }
  apply(document);
  document.addEventListener("htmx:load", function (event) { apply(event.detail.elt); });
  wide.addEventListener("change", function () { apply(document); });
})();

// The deal picker (content/deal_picker.py): choosing an option of its list fills the hidden deal
// id, which tells apart two deals with the same name and account; typing anything else clears it.
document.addEventListener("input", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[data-deal-picker]")) { return; }
  var hidden = document.getElementById(input.getAttribute("data-deal-picker"));
  if (!hidden) { return; }
  var chosen = "";
  if (input.list) {
    for (var i = 0; i < input.list.options.length; i++) {
      if (input.list.options[i].value === input.value) { chosen = input.list.options[i].getAttribute("data-deal") || ""; break; }
    }
  }
  hidden.value = chosen;
});

// The triage board (templates/requests/triage.html): an action answers with the card, in place or
// moved to its new column. Focus stays where the marketer was working: on the card when it stayed,
// on the next card of the column (or the column's heading) when it moved away.
(function () {
  var pending = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var card = event.detail.target;
    if (!card || !card.classList || !card.classList.contains("request-card")) { return; }
    var column = card.parentElement;
    var next = card.nextElementSibling;
    while (next && !next.classList.contains("request-card")) { next = next.nextElementSibling; }
    var previous = card.previousElementSibling;
    var heading = card.closest(".board-column") && card.closest(".board-column").querySelector("h2[tabindex]");
    pending = { id: card.id, column: column, fallback: next || previous || heading };
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) { return; }
    var where = pending;
    pending = null;
    var card = document.getElementById(where.id);
    if (card && card.parentElement === where.column) {
      card.focus();
    } else if (where.fallback && document.contains(where.fallback)) {
      where.fallback.focus();
    }
  });
  // Escape closes an open card menu and returns to its summary.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) { return; }
    var menu = event.target.closest("details.card-menu[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();

// The board's tab for the closed requests (phones) opens their disclosure, which loads them.
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest('a[href="#column-closed"]') : null;
  var details = link && document.querySelector("#column-closed details");
  if (details) { details.open = true; }
});
