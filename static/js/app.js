// Small progressive enhancements; every page works without them.
document.addEventListener("htmx:responseError", function (event) {
  var target = event.detail.target;
  if (target) {
    target.setAttribute("role", "alert");
    target.textContent = "Something went wrong (" + event.detail.xhr.status + "). Please try again.";
  }
});

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
