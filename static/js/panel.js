// The CRM side panel (content/panel.py). In the frame: "Connect" opens the connect page in a window
// of its own, and the token that page sends back (postMessage, this site's origin only, from that
// window only) is redeemed at the panel's own address. On the connect page: hand the token over to
// the panel that opened the window, then close it.
(function () {
  "use strict";
  var origin = window.location.origin;
  var popup = null;

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-panel-connect]") : null;
    if (!link) { return; }
    var opened = window.open(link.href, "panel-connect", "popup,width=520,height=640");
    if (opened) {
      event.preventDefault();
      popup = opened;
    }
  });

  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !popup || event.source !== popup) { return; }
    var token = event.data && event.data.panelToken;
    if (typeof token !== "string" || !token) { return; }
    window.location.replace(window.location.pathname + "?t=" + encodeURIComponent(token));
  });

  function handOver() {
    var holder = document.getElementById("panel-token");
    if (!holder || !window.opener) { return; }
    window.opener.postMessage({ panelToken: holder.getAttribute("data-token") }, origin);
    window.close();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", handOver); } else { handOver(); }
})();
