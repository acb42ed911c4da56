// Elke Deur web chat: talks to the bridge's public API. All text is inserted with
// textContent, never innerHTML, so no message can inject HTML.
(function () {
  "use strict";
  const root = document.getElementById("elkedeur-chat");
  const api = (root.dataset.api || "").replace(/\/$/, "");
  const storageKey = "elkedeur-conversation";

  root.innerHTML = `
    <section class="ed-chat" aria-label="Chat met Elke Deur">
      <div class="ed-log" role="log" aria-live="polite" aria-relevant="additions"></div>
      <p class="ed-error" role="alert" hidden></p>
      <form class="ed-form">
        <label for="ed-input" class="ed-sr-only">Uw bericht</label>
        <input id="ed-input" name="text" autocomplete="off" maxlength="2000" placeholder="Typ uw vraag…">
        <button type="submit">Verstuur</button>
        <button type="button" class="ed-clear">Gesprek wissen</button>
      </form>
    </section>`;
  const log = root.querySelector(".ed-log");
  const form = root.querySelector(".ed-form");
  const input = root.querySelector("#ed-input");
  const errorBox = root.querySelector(".ed-error");

  function showError(text) { errorBox.textContent = text; errorBox.hidden = !text; }

  function addMessage(author, text, buttons) {
    if (text) {
      const p = document.createElement("p");
      p.className = "ed-msg ed-msg--" + author;
      p.textContent = text;
      log.appendChild(p);
    }
    if (buttons && buttons.length) {
      const group = document.createElement("div");
      group.className = "ed-buttons";
      buttons.forEach((b) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", () => send({ payload: b.payload }, b.title));
        group.appendChild(button);
      });
      log.appendChild(group);
    }
    log.scrollTop = log.scrollHeight;
  }

  async function request(path, options) {
    const response = await fetch(api + path, {
      headers: { "Content-Type": "application/json" }, ...options });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = typeof body.detail === "string" ? body.detail : "Er ging iets mis. Probeert u het nog eens.";
      const error = new Error(detail); error.status = response.status; throw error;
    }
    return body;
  }

  async function conversationId() {
    let id = localStorage.getItem(storageKey);
    if (!id) {
      id = (await request("/api/conversations", { method: "POST", body: "{}" })).id;
      localStorage.setItem(storageKey, id);
    }
    return id;
  }

  async function send(message, shownText) {
    showError("");
    addMessage("user", shownText || message.text);
    try {
      const id = await conversationId();
      const body = await request(`/api/conversations/${id}/messages`, { method: "POST", body: JSON.stringify(message) });
      body.replies.forEach((r) => addMessage("bot", r.text, r.buttons));
    } catch (error) { showError(error.message); }
  }

  async function resume() {
    const id = localStorage.getItem(storageKey);
    if (!id) return send({ payload: "/greet" }, null);
    try {
      const conversation = await request(`/api/conversations/${id}`);
      conversation.messages.forEach((m) => addMessage(m.author, m.text, m.buttons));
    } catch (error) {
      if (error.status === 404) { localStorage.removeItem(storageKey); return send({ payload: "/greet" }, null); }
      showError(error.message);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text });
  });
  root.querySelector(".ed-clear").addEventListener("click", () => {
    localStorage.removeItem(storageKey);
    log.textContent = "";
    send({ payload: "/greet" }, null);
  });
  resume();
})();
