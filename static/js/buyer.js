// The buyer's page: tell the server how long the page stayed open (a beacon when it is hidden).
(function () {
  "use strict";
  var holder = document.querySelector("[data-beacon]");
  if (!holder || !navigator.sendBeacon) { return; }
  var url = holder.getAttribute("data-beacon");
  var started = Date.now();
  function send() {
    var body = new FormData();
    body.append("seconds", String(Math.round((Date.now() - started) / 1000)));
    navigator.sendBeacon(url, body);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { send(); }
  });
  window.addEventListener("pagehide", send);
})();
