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
