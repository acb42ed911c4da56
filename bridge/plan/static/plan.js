// Mijn plan: live afspraken (polls the version, swaps in the new content), ticking without reload, printing.
(function () {
  "use strict";
  var main = document.getElementById("inhoud");
  var holder = document.getElementById("plan-inhoud");
  if (!main || !holder) { return; }
  var standUrl = main.getAttribute("data-stand-url");
  var inhoudUrl = main.getAttribute("data-inhoud-url");
  var POLL_MS = 3000;

  function shownVersion() {
    var plan = holder.querySelector(".plan");
    return plan ? parseInt(plan.getAttribute("data-versie"), 10) : 0;
  }

  function replaceContent() {
    return fetch(inhoudUrl, { cache: "no-store", credentials: "omit" }).then(function (response) {
      if (!response.ok) { throw new Error("inhoud " + response.status); }
      return response.text();
    }).then(function (html) {
      holder.innerHTML = html;
      wireSteps();
    });
  }

  function poll() {
    fetch(standUrl, { cache: "no-store", credentials: "omit" }).then(function (response) {
      if (response.status === 404) { window.location.reload(); return null; }
      return response.ok ? response.json() : null;
    }).then(function (stand) {
      if (stand && stand.versie > shownVersion()) { return replaceContent(); }
      return null;
    }).catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }

  function wireSteps() {
    var form = document.getElementById("stappen-form");
    if (!form) { return; }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.hidden = true; }
    form.addEventListener("change", function () {
      fetch(form.getAttribute("action"), {
        method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "omit",
        headers: { "Accept": "application/json" },
      }).then(function (response) {
        if (!response.ok) { throw new Error("stappen " + response.status); }
        return replaceContent();
      }).catch(function () { if (button) { button.hidden = false; } });
    });
  }

  var print = document.getElementById("afdrukken");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  wireSteps();
  window.setTimeout(poll, POLL_MS);
}());
