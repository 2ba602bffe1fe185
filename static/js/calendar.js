// Calendar enhancements: copy the feed address in one click. The page works without it.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-copy-target]");
  var status = document.querySelector("[data-copy-status]");
  if (!button) { return; }
  var input = document.getElementById(button.getAttribute("data-copy-target"));
  if (!input) { return; }
  input.addEventListener("focus", function () { input.select(); });
  if (!navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      if (status) { status.textContent = "Address copied."; }
    }, function () {
      input.select();
      if (status) { status.textContent = "Select the address and copy it."; }
    });
  });
});
