// Elke Deur console: live updates over a WebSocket, replies without a page reload.
// Loaded as a file (no inline script), so a CSP with script-src 'self' works.
(function () {
  "use strict";

  var body = document.body;
  var page = body.getAttribute("data-page");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var caseId = body.getAttribute("data-case-id");
  var liveState = document.getElementById("live-state");
  var AUTHORS = { user: "Inwoner", bot: "Digitale assistent", system: "Melding" };

  function showState(text) {
    if (!liveState) { return; }
    liveState.textContent = text || "";
    liveState.hidden = !text;
  }

  function refreshQueue() {
    var target = document.getElementById("wachtrij");
    if (!target) { return; }
    fetch("/console/wachtrij", { credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected || !response.ok) { window.location.reload(); return null; }
        return response.text();
      })
      .then(function (html) { if (html !== null && html !== undefined) { target.innerHTML = html; } });
  }

  function appendMessage(message, staffName) {
    var list = document.getElementById("messages");
    if (!list || list.querySelector('[data-id="' + message.id + '"]')) { return; }
    var item = document.createElement("li");
    item.className = "message " + message.author;
    item.setAttribute("data-id", String(message.id));
    var author = document.createElement("span");
    author.className = "author";
    author.textContent = message.author === "staff" ? (staffName || "Medewerker") : (AUTHORS[message.author] || message.author);
    var time = document.createElement("time");
    var when = new Date(message.created_at);
    time.setAttribute("datetime", message.created_at);
    // Dutch time, like the server-rendered messages, whatever the workstation's clock zone.
    time.textContent = when.toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" });
    var text = document.createElement("p");
    text.className = "pre";
    text.textContent = message.text || (message.payload ? "koos: " + message.payload : "");
    item.appendChild(author);
    item.appendChild(time);
    item.appendChild(text);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  var lastStaffName = null;

  function onEvent(event) {
    if (event.type === "case") {
      if (page === "queue") { refreshQueue(); }
      if (page === "case" && event.case_id === caseId && (event.change === "transferred_out" || event.change === "closed")) {
        showState("Deze zaak is gewijzigd door een collega. De pagina wordt bijgewerkt.");
        window.setTimeout(function () { window.location.reload(); }, 1500);
      }
      if (page === "case" && event.case_id === caseId && event.change === "terugbelverzoek") {
        // No automatic reload: it would throw away a reply that is being typed.
        showState("De persoon heeft een terugbelverzoek gedaan of gewijzigd. Vernieuw de pagina om het te zien.");
      }
      if (page === "case" && event.case_id === caseId && event.change === "terugbelverzoek_ingetrokken") {
        // Consent withdrawn: the number leaves the screen at once.
        ["terugbelverzoek", "terugbelverzoek-verwijzing"].forEach(function (id) {
          var element = document.getElementById(id);
          if (element) { element.parentNode.removeChild(element); }
        });
        showState("De persoon heeft het terugbelverzoek ingetrokken. Het telefoonnummer is verwijderd.");
      }
    } else if (event.type === "status") {
      lastStaffName = event.staff_name || lastStaffName;
    } else if (event.type === "message") {
      appendMessage(event.message, lastStaffName || body.getAttribute("data-staff-name"));
    }
  }

  var retry = 1000;
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + "/api/staff/events" + (caseId ? "?case=" + encodeURIComponent(caseId) : "");
    var socket = new WebSocket(url);
    socket.onopen = function () {
      if (retry > 1000) { showState(""); if (page === "queue") { refreshQueue(); } }
      retry = 1000;
    };
    socket.onmessage = function (message) {
      try { onEvent(JSON.parse(message.data)); } catch (error) { /* ignore malformed events */ }
    };
    socket.onclose = function () {
      showState("De live verbinding is even weg. We proberen opnieuw te verbinden…");
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: data === undefined ? undefined : JSON.stringify(data)
    });
  }

  function setUpReply() {
    var form = document.getElementById("reply-form");
    if (!form) { return; }
    var textarea = form.querySelector("textarea");
    var select = document.getElementById("template");
    if (select) {
      select.addEventListener("change", function () {
        if (select.value) { textarea.value = select.value; textarea.focus(); }
      });
    }
    var lastTyping = 0;
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (body.getAttribute("data-mine") === "ja" && now - lastTyping > 3000) {
        lastTyping = now;
        post("/api/staff/cases/" + caseId + "/typing");
      }
    });
    form.addEventListener("submit", function (submitEvent) {
      var text = textarea.value.trim();
      if (!text) { return; }
      submitEvent.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      post("/api/staff/cases/" + caseId + "/messages", { text: text })
        .then(function (response) {
          if (!response.ok) {
            return response.json().then(function (error) { showState(error.detail || "Versturen lukte niet."); });
          }
          textarea.value = "";
          showState("");
          if (body.getAttribute("data-mine") !== "ja") { window.location.reload(); } // first reply claims the case
          return response.json().then(function (message) { appendMessage(message, message.staff_name); });
        })
        .catch(function () { showState("Versturen lukte niet. Controleer de verbinding en probeer het opnieuw."); })
        .then(function () { button.disabled = false; textarea.focus(); });
    });
  }

  if (page === "queue" || page === "case") {
    connect();
    if (page === "queue") { window.setInterval(refreshQueue, 30000); } // waiting times keep counting
    if (page === "case") { setUpReply(); }
  }
})();
