/*
 * Elke Deur web chat. Embed on any site with one script tag:
 *
 *   <script>window.ElkeDeurChat = { title: "Werk en inkomen", colors: { primary: "#01689b" },
 *                                   launcherLanguage: "nl", apiBase: "https://elkedeur.example" };</script>
 *   <script src="https://elkedeur.example/elkedeur-chat.js" defer></script>
 *
 * Without `container` it shows a launcher button in the corner; with `container` (a CSS
 * selector) it renders inline. No framework, no build step. Under a strict Content-Security-Policy
 * (no inline scripts) use data attributes instead of the config object: data-title, data-api,
 * data-container, data-launcher-language, data-color-primary.
 *
 * Safety: every message is put in the page with textContent; only http(s) links become
 * <a> elements, built with DOM calls, never innerHTML.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const STORAGE_KEY = "elkedeur-conversation";
  const OPEN_KEY = "elkedeur-open";
  const DEFAULT_PRIMARY = "#01689b";
  const POLL_MS = 3000;
  const MAX_BACKOFF_MS = 15000;
  const TYPING_MS = 5000;
  const SEND_RETRIES = 2; // a message that may not have arrived is sent again, with the same id
  const PLAN_PAYLOAD = "/plan"; // the bridge's offer after advice: "Wilt u dit als overzicht bewaren?" (issue 15)

  /** An id for one user message (crypto.randomUUID needs https or localhost; else a random fallback). */
  function newClientMessageId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12) + Math.random().toString(36).slice(2, 12);
  }

  // The chat itself is in Dutch; the launcher can invite people in their own language.
  const LAUNCHER_LABELS = {
    nl: "Stel uw vraag over werk en inkomen",
    en: "Questions about work and income? Chat (in Dutch)",
    de: "Fragen zu Arbeit und Einkommen? Chat (auf Niederländisch)",
    fr: "Questions sur le travail et les revenus ? Chat (en néerlandais)",
    pl: "Pytania o pracę i dochód? Czat (po niderlandzku)",
    tr: "İş ve gelir hakkında sorular? Sohbet (Felemenkçe)",
    uk: "Питання про роботу та дохід? Чат (нідерландською)",
    ar: "أسئلة عن العمل والدخل؟ دردشة (بالهولندية)",
  };
  const RTL = new Set(["ar"]);

  /** Merge the page's config object with data-* attributes of the script tag. */
  function readConfig() {
    const given = window.ElkeDeurChat || {};
    const data = (script && script.dataset) || {};
    const scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
    return {
      title: String(given.title || data.title || "Elke Deur"),
      apiBase: String(given.apiBase || data.api || scriptOrigin).replace(/\/$/, ""),
      assetBase: script && script.src ? new URL(".", new URL(script.src, location.href)).href : "/",
      container: given.container || data.container || null,
      launcherLanguage: String(given.launcherLanguage || data.launcherLanguage || "nl"),
      colors: { primary: (given.colors || {}).primary || data.colorPrimary },
      open: Boolean(given.open),
    };
  }

  // ---- colours: only #rgb/#rrggbb, and only when white text stays readable (WCAG 1.4.3) ----
  function parseHex(value) {
    const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(value || "").trim());
    if (!m) return null;
    const hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }
  function luminance(rgb) {
    const [r, g, b] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function contrastWithWhite(rgb) { return 1.05 / (luminance(rgb) + 0.05); }
  function safePrimary(value) {
    const rgb = parseHex(value);
    if (!rgb) return DEFAULT_PRIMARY;
    if (contrastWithWhite(rgb) < 4.5) {
      console.warn("Elke Deur chat: colour " + value + " has too little contrast with white text; using the default.");
      return DEFAULT_PRIMARY;
    }
    return value;
  }

  // ---- links: http(s) only, everything else stays plain text ----
  const LINK_RE = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)|\bhttps?:\/\/[^\s<>"']+/g;
  function safeUrl(raw) {
    try {
      const url = new URL(raw);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) { return null; }
  }
  /** Append text to `parent`, turning http(s) URLs and [text](url) into links. */
  function appendRichText(parent, text) {
    let last = 0;
    LINK_RE.lastIndex = 0;
    let m;
    while ((m = LINK_RE.exec(text)) !== null) {
      let label = m[1];
      let raw = m[2];
      let end = m.index + m[0].length;
      if (!raw) {
        // A bare URL: trailing punctuation belongs to the sentence, not to the link.
        raw = m[0].replace(/[.,;:!?)]+$/, "");
        end = m.index + raw.length;
        label = raw;
      }
      const href = safeUrl(raw);
      if (!href) continue;
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      const a = document.createElement("a");
      a.href = href;
      a.textContent = label;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      const hint = document.createElement("span");
      hint.className = "ed-sr-only";
      hint.textContent = " (opent in een nieuw tabblad)";
      a.appendChild(hint);
      parent.appendChild(a);
      last = end;
      LINK_RE.lastIndex = end;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // Shown next to the consent checkbox; the bridge records which text (CONSENT_VERSION in
  // bridge/schemas/callback.py) was agreed to, so change both together.
  const CONSENT_TEXT = "Ik geef toestemming dat een medewerker mij belt over deze vraag. Mijn nummer wordt alleen bij deze aanvraag bewaard en verwijderd als de vraag is afgehandeld.";
  const DAGDELEN = [["geen voorkeur", "Geen voorkeur"], ["ochtend", "'s Ochtends"], ["middag", "'s Middags"]];

  /** The Dutch message of an error answer: a string detail, or the first validation message. */
  function errorText(error) {
    const detail = error && error.body && error.body.detail;
    if (Array.isArray(detail) && detail[0] && typeof detail[0].msg === "string") return detail[0].msg;
    return error && error.message ? error.message : "Er ging iets mis. Probeert u het nog eens.";
  }

  const STATUS_TEXT = {
    wacht_op_medewerker: (s) => "U wacht op een medewerker" + (s.queue ? " van " + s.queue : "") + ". U kunt hier alvast schrijven.",
    medewerker: (s) => "U chat nu met " + (s.staff_name ? "medewerker " + s.staff_name : "een medewerker") + (s.queue ? " van " + s.queue : "") + ".",
    gesloten: () => "Dit gesprek is afgesloten. Schrijft u opnieuw, dan helpt Elke Deur u verder.",
  };

  class Chat {
    constructor(config) {
      this.config = config;
      this.id = null;
      this.lastId = 0;
      this.seen = new Set();
      this.pending = [];           // user bubbles shown before the server stored them
      this.payloadTitles = new Map();
      this.status = null;
      this.ws = null;
      this.wsEverOpened = false;
      this.wsFailures = 0;
      this.reconnectTimer = null;
      this.pollTimer = null;
      this.typingTimer = null;
      this.busy = 0;
      this.started = false;
      this.callbackChecked = false; // asked the bridge whether a callback request is kept
      this.build();
    }

    // ---------- DOM ----------
    build() {
      const c = this.config;
      const host = c.container ? document.querySelector(c.container) : null;
      this.inline = Boolean(host);
      const root = el("div", "ed-widget " + (this.inline ? "ed-widget--inline" : "ed-widget--launcher"));
      root.style.setProperty("--ed-primary", safePrimary(c.colors.primary));
      this.root = root;

      if (!this.inline) {
        const lang = LAUNCHER_LABELS[c.launcherLanguage] ? c.launcherLanguage : "nl";
        this.launcher = el("button", "ed-launcher");
        this.launcher.type = "button";
        this.launcher.lang = lang;
        if (RTL.has(lang)) this.launcher.dir = "rtl";
        this.launcher.setAttribute("aria-expanded", "false");
        this.launcher.setAttribute("aria-controls", "ed-panel");
        const icon = el("span", "ed-launcher-icon", "💬");
        icon.setAttribute("aria-hidden", "true");
        this.launcher.append(icon, el("span", null, LAUNCHER_LABELS[lang]));
        this.launcher.addEventListener("click", () => this.setOpen(true));
        root.appendChild(this.launcher);
      }

      const panel = el("section", "ed-chat");
      panel.id = "ed-panel";
      panel.setAttribute("aria-labelledby", "ed-title");
      panel.lang = "nl";
      this.panel = panel;

      const header = el("div", "ed-header");
      const title = el("h2", "ed-title", c.title);
      title.id = "ed-title";
      this.clearButton = el("button", "ed-clear", "Gesprek wissen");
      this.clearButton.type = "button";
      this.clearButton.addEventListener("click", () => this.askClear());
      header.append(title, this.clearButton);
      if (!this.inline) {
        this.closeButton = el("button", "ed-close", "Sluiten");
        this.closeButton.type = "button";
        this.closeButton.setAttribute("aria-label", "Chat sluiten");
        this.closeButton.addEventListener("click", () => this.setOpen(false));
        header.appendChild(this.closeButton);
      }

      // Inline confirmation instead of window.confirm: keyboard and screen reader friendly.
      this.confirmBox = el("div", "ed-confirm");
      this.confirmBox.setAttribute("role", "group");
      this.confirmBox.setAttribute("aria-labelledby", "ed-confirm-text");
      const confirmText = el("p", null, "Wilt u dit gesprek wissen? Wij bewaren het dan niet meer voor u en u begint opnieuw.");
      confirmText.id = "ed-confirm-text";
      const yes = el("button", "ed-confirm-yes", "Ja, wis het gesprek");
      yes.type = "button";
      yes.addEventListener("click", () => this.clear());
      const no = el("button", "ed-confirm-no", "Nee, ga terug");
      no.type = "button";
      no.addEventListener("click", () => { this.confirmBox.hidden = true; this.clearButton.focus(); });
      this.confirmBox.append(confirmText, yes, no);
      this.confirmBox.hidden = true;

      this.statusBar = el("p", "ed-status");
      this.statusBar.setAttribute("role", "status");
      this.statusBar.hidden = true;

      this.buildCallback();

      this.log = el("div", "ed-log");
      this.log.setAttribute("role", "log");
      this.log.setAttribute("aria-live", "polite");
      this.log.setAttribute("aria-label", "Berichten");
      this.log.tabIndex = 0; // scrollable region: reachable by keyboard (WCAG 2.1.1)

      this.typing = el("p", "ed-typing");
      this.typing.setAttribute("role", "status");
      this.typingText = el("span", null, "");
      const dots = el("span", "ed-dots");
      dots.setAttribute("aria-hidden", "true");
      dots.append(el("span"), el("span"), el("span"));
      this.typing.append(this.typingText, dots);
      this.typing.hidden = true;

      this.errorBox = el("p", "ed-error");
      this.errorBox.setAttribute("role", "alert");
      this.errorBox.hidden = true;

      this.form = el("form", "ed-form");
      const label = el("label", "ed-sr-only", "Uw bericht");
      label.htmlFor = "ed-input";
      this.input = el("textarea");
      this.input.id = "ed-input";
      this.input.name = "text";
      this.input.rows = 1;
      this.input.maxLength = 2000;
      this.input.autocomplete = "off";
      this.input.placeholder = "Typ uw vraag…";
      this.input.addEventListener("keydown", (event) => {
        // Enter sends, Shift+Enter adds a line (as in most chats).
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.form.requestSubmit();
        }
      });
      const submit = el("button", "ed-send", "Verstuur");
      submit.type = "submit";
      this.form.append(label, this.input, submit);
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        const text = this.input.value.trim();
        if (!text) { this.input.focus(); return; }
        this.input.value = "";
        this.send({ text }, text);
      });

      panel.append(header, this.confirmBox, this.statusBar, this.callbackBox, this.log, this.typing, this.errorBox, this.form);
      root.appendChild(panel);
      (host || document.body).appendChild(root);

      if (!this.inline) {
        panel.hidden = true;
        panel.setAttribute("role", "dialog");
        panel.addEventListener("keydown", (event) => {
          if (event.key === "Escape") this.setOpen(false);
        });
        const wasOpen = sessionStorage.getItem(OPEN_KEY) === "1";
        if (c.open || wasOpen) this.setOpen(true, false);
      } else {
        this.start();
      }
      window.addEventListener("online", () => this.reconnectNow());
    }

    /**
     * "Liever teruggebeld worden?": while a medewerker has (or is about to get) the conversation, the
     * person may leave a phone number on purpose, with consent. It goes to its own endpoint, never
     * into the chat text (which the bridge masks anyway).
     */
    buildCallback() {
      const box = el("div", "ed-callback");
      box.hidden = true;
      this.callbackBox = box;

      this.callbackToggle = el("button", "ed-callback-toggle", "Liever teruggebeld worden?");
      this.callbackToggle.type = "button";
      this.callbackToggle.setAttribute("aria-expanded", "false");
      this.callbackToggle.setAttribute("aria-controls", "ed-callback-form");
      this.callbackToggle.addEventListener("click", () => this.showCallbackForm(this.callbackForm.hidden));

      const form = el("form", "ed-callback-form");
      form.id = "ed-callback-form";
      form.hidden = true;
      form.setAttribute("aria-labelledby", "ed-callback-title");
      this.callbackForm = form;
      const title = el("h3", "ed-callback-title", "Teruggebeld worden");
      title.id = "ed-callback-title";
      this.callbackIntro = el("p", "ed-callback-intro");

      const telLabel = el("label", null, "Uw telefoonnummer");
      telLabel.htmlFor = "ed-callback-tel";
      this.callbackTel = el("input");
      Object.assign(this.callbackTel, { id: "ed-callback-tel", type: "tel", name: "telefoonnummer", autocomplete: "tel",
                                        inputMode: "tel", maxLength: 40, required: true });
      this.callbackTel.setAttribute("aria-describedby", "ed-callback-tel-hint");
      const telHint = el("span", "ed-hint", "Bijvoorbeeld 06\u00a012345678 of 010\u00a01234567");
      telHint.id = "ed-callback-tel-hint";

      const dagdeelLabel = el("label", null, "Wanneer kunnen wij u het best bellen?");
      dagdeelLabel.htmlFor = "ed-callback-dagdeel";
      this.callbackDagdeel = el("select");
      this.callbackDagdeel.id = "ed-callback-dagdeel";
      this.callbackDagdeel.name = "dagdeel";
      DAGDELEN.forEach(([value, text]) => {
        const option = el("option", null, text);
        option.value = value;
        this.callbackDagdeel.appendChild(option);
      });

      const consentLabel = el("label", "ed-consent");
      this.callbackConsent = el("input");
      Object.assign(this.callbackConsent, { id: "ed-callback-consent", type: "checkbox", name: "toestemming", required: true });
      consentLabel.append(this.callbackConsent, el("span", null, CONSENT_TEXT));

      this.callbackError = el("p", "ed-error");
      this.callbackError.setAttribute("role", "alert");
      this.callbackError.hidden = true;

      const actions = el("div", "ed-callback-actions");
      this.callbackSubmit = el("button", "ed-send", "Bel mij terug");
      this.callbackSubmit.type = "submit";
      const cancel = el("button", "ed-callback-secondary", "Annuleren");
      cancel.type = "button";
      cancel.addEventListener("click", () => this.showCallbackForm(false));
      actions.append(this.callbackSubmit, cancel);

      form.append(title, this.callbackIntro, telLabel, this.callbackTel, telHint, dagdeelLabel, this.callbackDagdeel,
                  consentLabel, this.callbackError, actions);
      form.addEventListener("submit", (event) => { event.preventDefault(); this.submitCallback(); });

      // A live region that exists before its text changes, so screen readers announce the result.
      this.callbackResult = el("p", "ed-callback-result");
      this.callbackResult.setAttribute("role", "status");
      this.callbackResult.setAttribute("aria-live", "polite");
      this.callbackResult.tabIndex = -1;
      this.callbackWithdraw = el("button", "ed-callback-secondary", "Terugbelverzoek intrekken");
      this.callbackWithdraw.type = "button";
      this.callbackWithdraw.hidden = true;
      this.callbackWithdraw.addEventListener("click", () => this.withdrawCallback());

      box.append(this.callbackToggle, form, this.callbackResult, this.callbackWithdraw);
    }

    callbackPath() { return "/api/conversations/" + encodeURIComponent(this.id) + "/terugbelverzoek"; }

    /** Show the callback option only while the conversation is with (or waiting for) a medewerker. */
    updateCallback() {
      const handedOver = this.status === "wacht_op_medewerker" || this.status === "medewerker";
      this.callbackBox.hidden = !handedOver;
      if (!handedOver) { this.resetCallback(); return; }
      this.callbackIntro.textContent = "Laat uw telefoonnummer achter. Een medewerker" + (this.queue ? " van " + this.queue : "") +
        " belt u dan terug. Zet de organisatie uw vraag door naar een andere organisatie? Dan belt een medewerker van die organisatie u.";
      if (!this.callbackChecked && this.id) {
        this.callbackChecked = true;
        // After a reload: is a request already kept? (404: not yet.)
        this.request(this.callbackPath()).then((kept) => this.showKept(kept, false), () => {});
      }
    }

    /** The case was closed or handed back (the bridge deleted the number), or the chat was erased. */
    resetCallback() {
      this.callbackChecked = false;
      this.callbackForm.hidden = true;
      this.callbackForm.reset();
      this.callbackToggle.hidden = false;
      this.callbackToggle.setAttribute("aria-expanded", "false");
      this.callbackResult.textContent = "";
      this.callbackWithdraw.hidden = true;
      this.callbackError.hidden = true;
    }

    showCallbackForm(open) {
      this.callbackForm.hidden = !open;
      this.callbackToggle.setAttribute("aria-expanded", String(open));
      this.callbackError.hidden = true;
      if (open) this.callbackTel.focus(); else this.callbackToggle.focus();
    }

    async submitCallback() {
      this.callbackError.hidden = true;
      this.callbackSubmit.disabled = true;
      try {
        const kept = await this.request(this.callbackPath(), {
          method: "POST",
          body: JSON.stringify({
            telefoonnummer: this.callbackTel.value.trim(),
            dagdeel: this.callbackDagdeel.value,
            toestemming: this.callbackConsent.checked === true,
          }),
        });
        this.callbackForm.reset(); // the number stays nowhere in the page
        this.showKept(kept, true);
      } catch (error) {
        this.callbackError.textContent = errorText(error);
        this.callbackError.hidden = false;
        this.callbackTel.focus();
      } finally {
        this.callbackSubmit.disabled = false;
      }
    }

    /** What the bridge kept, with the number partly masked ("06 ** ** ** 78"). */
    showKept(kept, moveFocus) {
      this.callbackForm.hidden = true;
      this.callbackToggle.hidden = true;
      this.callbackToggle.setAttribute("aria-expanded", "false");
      const when = kept.dagdeel && kept.dagdeel !== "geen voorkeur" ? " Uw voorkeur: " + kept.dagdeel + "." : "";
      this.callbackResult.textContent = "Een medewerker belt u terug op " + kept.telefoonnummer + "." + when;
      this.callbackWithdraw.hidden = false;
      if (moveFocus) this.callbackResult.focus();
    }

    async withdrawCallback() {
      try {
        await this.request(this.callbackPath(), { method: "DELETE" });
      } catch (error) {
        this.callbackResult.textContent = errorText(error);
        return;
      }
      this.callbackWithdraw.hidden = true;
      this.callbackToggle.hidden = false;
      this.callbackResult.textContent = "Uw terugbelverzoek is ingetrokken. Uw telefoonnummer is verwijderd.";
      this.callbackToggle.focus();
    }

    setOpen(open, moveFocus = true) {
      this.panel.hidden = !open;
      this.launcher.hidden = open;
      this.launcher.setAttribute("aria-expanded", String(open));
      sessionStorage.setItem(OPEN_KEY, open ? "1" : "0");
      if (open) {
        this.start();
        if (moveFocus) this.input.focus();
      } else if (moveFocus) {
        this.launcher.focus();
      }
    }

    showError(text) { this.errorBox.textContent = text || ""; this.errorBox.hidden = !text; }

    setTyping(text, timeoutMs) {
      clearTimeout(this.typingTimer);
      this.typingText.textContent = text || "";
      this.typing.hidden = !text;
      if (text && timeoutMs) this.typingTimer = setTimeout(() => this.setTyping(null), timeoutMs);
    }

    scrollDown() { this.log.scrollTop = this.log.scrollHeight; }

    /** Only the newest choice buttons stay; older ones would answer an old question. */
    dropOldButtons() {
      this.log.querySelectorAll(".ed-buttons").forEach((group) => group.remove());
    }

    authorLabel(author, message) {
      if (author === "user") return "U";
      if (author === "staff") return message && message.staff_name ? "Medewerker " + message.staff_name : "Medewerker";
      if (author === "system") return "Melding";
      return this.config.title;
    }

    renderBubble(author, text, buttons, message) {
      const li = el("div", "ed-msg ed-msg--" + (["user", "bot", "staff", "system"].includes(author) ? author : "bot"));
      const who = el("span", author === "user" || author === "bot" ? "ed-sr-only" : "ed-who", this.authorLabel(author, message) + ": ");
      li.appendChild(who);
      if (text) {
        const body = el("span", "ed-text");
        if (author === "bot" || author === "staff") appendRichText(body, text); else body.textContent = text;
        li.appendChild(body);
      }
      if (buttons && buttons.length) {
        this.dropOldButtons();
        const group = el("div", "ed-buttons");
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", "Kies een antwoord");
        buttons.forEach((b) => {
          this.payloadTitles.set(b.payload, b.title);
          const button = el("button", "ed-choice", b.title);
          button.type = "button";
          button.addEventListener("click", () => {
            // "Ja, bewaar mijn plan" (issue 15): the link comes from its own endpoint and is never stored in the chat.
            if (b.payload === PLAN_PAYLOAD) { this.openPlan(b.title); return; }
            this.send({ payload: b.payload }, b.title);
            this.input.focus(); // the buttons disappear; keep keyboard users in the chat
          });
          group.appendChild(button);
        });
        li.appendChild(group);
      }
      this.log.appendChild(li);
      this.scrollDown();
      return li;
    }

    /** Ask the bridge for a (new) link to the person's plan and show it; a refusal (no advice yet) is shown as it is. */
    async openPlan(title) {
      this.showError("");
      this.dropOldButtons();
      this.renderBubble("user", title, null, null);
      try {
        const made = await this.request("/api/conversations/" + encodeURIComponent(this.id) + "/plan", { method: "POST" });
        this.renderPlanLink(made.url);
      } catch (error) {
        this.renderNotice(error.message);
      }
    }

    renderPlanLink(url) {
      const href = safeUrl(url);
      const li = el("div", "ed-msg ed-msg--notice ed-plan");
      li.appendChild(el("span", null, "Uw plan staat klaar. Bewaar de link goed: iedereen met de link kan uw plan zien. "));
      if (href) {
        const a = el("a", "ed-plan-link", "Open mijn plan");
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.appendChild(el("span", "ed-sr-only", " (opent in een nieuw tabblad)"));
        li.appendChild(a);
      }
      this.log.appendChild(li);
      this.scrollDown();
    }

    renderNotice(text) {
      const li = el("div", "ed-msg ed-msg--notice");
      li.appendChild(el("span", null, text));
      this.log.appendChild(li);
      this.scrollDown();
    }

    /** Render one stored message once, whatever way it arrived (POST sync, WebSocket, poll). */
    renderMessage(m) {
      if (m.id == null || this.seen.has(m.id)) return;
      this.seen.add(m.id);
      this.lastId = Math.max(this.lastId, m.id);
      if (m.author === "user") {
        const local = this.pending.shift();
        if (local) { local.dataset.id = m.id; return; }
        const shown = m.text || this.payloadTitles.get(m.payload);
        if (shown) {
          this.dropOldButtons(); // the person answered: earlier choices are settled (also after a reload)
          this.renderBubble("user", shown, null, m).dataset.id = m.id;
        }
        return;
      }
      if (m.author !== "user") this.setTyping(null);
      if (!m.text && !(m.buttons && m.buttons.length)) return;
      this.renderBubble(m.author, m.text, m.buttons, m).dataset.id = m.id;
    }

    /** Render the answer of POST .../messages; false when it carries no message ids. */
    renderAnswer(answer, message) {
      const replies = (answer && answer.replies) || [];
      if (!answer || answer.message_id == null || replies.some((r) => r.id == null)) return false;
      this.renderMessage({ id: answer.message_id, author: "user", text: message.text || null, payload: message.payload || null });
      replies.forEach((r) => this.renderMessage({ ...r, author: r.author || "bot" }));
      return true;
    }

    applyStatus(s) {
      if (!s || !s.status) return;
      // A status from GET has no queue or name: keep what the live event told us.
      const same = s.status === this.status;
      this.staffName = s.staff_name !== undefined ? s.staff_name : (same ? this.staffName : null);
      this.queue = s.queue || (same ? this.queue : null) || this.queue;
      this.status = s.status;
      const text = STATUS_TEXT[s.status] ? STATUS_TEXT[s.status]({ queue: this.queue, staff_name: this.staffName }) : "";
      this.statusBar.textContent = text;
      this.statusBar.hidden = !text;
      this.statusBar.dataset.status = s.status;
      // The bridge stores "medewerker X is erbij" as a system message; the bar keeps it visible.
      this.updateCallback();
    }

    // ---------- HTTP ----------
    async request(path, options) {
      const response = await fetch(this.config.apiBase + path, {
        headers: { "Content-Type": "application/json" }, ...options });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        const detail = typeof body.detail === "string" ? body.detail : "Er ging iets mis. Probeert u het nog eens.";
        const error = new Error(detail); error.status = response.status; error.body = body; throw error;
      }
      return body;
    }

    async start() {
      if (this.started) return;
      this.started = true;
      const stored = localStorage.getItem(STORAGE_KEY);
      if (stored) {
        this.id = stored;
        try {
          this.log.setAttribute("aria-busy", "true"); // history is not announced message by message
          await this.sync();
          this.log.removeAttribute("aria-busy");
          this.connect();
          return;
        } catch (error) {
          this.log.removeAttribute("aria-busy");
          if (error.status !== 404) { this.showError(error.message); this.connect(); return; }
          localStorage.removeItem(STORAGE_KEY);
          this.id = null;
        }
      }
      await this.begin();
    }

    /** A new conversation, opened with a greeting the user does not see as their own message. */
    async begin() {
      try {
        this.id = (await this.request("/api/conversations", { method: "POST", body: JSON.stringify({ channel: "web" }) })).id;
        localStorage.setItem(STORAGE_KEY, this.id);
      } catch (error) { this.showError(error.message); this.started = false; return; }
      this.connect();
      await this.send({ payload: "/greet" }, null);
    }

    /** Fetch the stored conversation and render what is new. */
    async sync() {
      const conversation = await this.request("/api/conversations/" + encodeURIComponent(this.id));
      conversation.messages.forEach((m) => this.renderMessage(m));
      this.applyStatus({ status: conversation.status });
      return conversation;
    }

    async send(message, shownText) {
      this.showError("");
      if (!this.id) { await this.start(); if (!this.id) return; }
      if (shownText) {
        this.dropOldButtons();
        this.pending.push(this.renderBubble("user", shownText, null, null));
      } else {
        this.pending.push(null); // hidden message (the greeting): still reconcile its id
      }
      const waitingForStaff = this.status === "wacht_op_medewerker" || this.status === "medewerker";
      if (!waitingForStaff) this.setTyping(this.config.title + " schrijft een antwoord…");
      try {
        // One id per message, reused on every retry: the bridge stores a retried message once.
        const body = JSON.stringify({ ...message, client_message_id: newClientMessageId() });
        const path = "/api/conversations/" + encodeURIComponent(this.id) + "/messages";
        let answer;
        for (let attempt = 0; ; attempt++) {
          try { answer = await this.request(path, { method: "POST", body }); break; } catch (error) {
            // Retry only what may not have arrived: no connection (no status) or a server error.
            const retriable = !error.status || error.status >= 500;
            if (!retriable || attempt >= SEND_RETRIES) throw error;
            await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
          }
        }
        // The answer carries the stored ids (of the message and each reply): render it, once, without
        // reading the conversation back; a bridge that sends no ids gets the old read-back.
        if (this.renderAnswer(answer, message)) return;
        await this.sync();
      } catch (error) {
        if (error.status === 404) { this.forget(); this.showError("Dit gesprek bestaat niet meer. Wij beginnen een nieuw gesprek."); await this.start(); return; }
        this.showError(error.message);
      } finally {
        if (!waitingForStaff) this.setTyping(null);
      }
    }

    // ---------- live events ----------
    wsUrl() {
      const base = this.config.apiBase.replace(/^http/, "ws");
      return base + "/api/conversations/" + encodeURIComponent(this.id) + "/events?after=" + this.lastId;
    }

    connect() {
      if (!this.id || !("WebSocket" in window)) { this.startPolling(); return; }
      clearTimeout(this.reconnectTimer);
      let ws;
      try { ws = new WebSocket(this.wsUrl()); } catch (e) { this.scheduleReconnect(); return; }
      this.ws = ws;
      ws.onopen = () => {
        this.wsEverOpened = true;
        this.wsFailures = 0;
        this.stopPolling();
        this.root.dataset.live = "websocket";
      };
      ws.onmessage = (event) => {
        let data;
        try { data = JSON.parse(event.data); } catch (e) { return; }
        if (data.type === "message" && data.message) this.renderMessage(data.message);
        else if (data.type === "status") this.applyStatus(data);
        else if (data.type === "typing" && data.author !== "user") {
          this.setTyping(data.author === "staff" ? "De medewerker schrijft…" : this.config.title + " schrijft een antwoord…", TYPING_MS);
        }
      };
      ws.onclose = () => {
        if (this.ws !== ws) return; // replaced or closed on purpose
        this.ws = null;
        this.root.dataset.live = "offline";
        this.scheduleReconnect();
      };
    }

    scheduleReconnect() {
      this.wsFailures += 1;
      // Until the socket works, poll so staff replies still arrive (also covers a missing endpoint).
      this.startPolling();
      const delay = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, this.wsFailures));
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    }

    reconnectNow() {
      if (!this.id || (this.ws && this.ws.readyState <= 1)) return;
      this.wsFailures = 0;
      this.connect();
    }

    startPolling() {
      if (this.pollTimer || !this.id) return;
      this.root.dataset.live = "polling";
      this.pollTimer = setInterval(() => { this.sync().catch(() => {}); }, POLL_MS);
    }

    stopPolling() { clearInterval(this.pollTimer); this.pollTimer = null; }

    disconnect() {
      const ws = this.ws;
      this.ws = null;
      if (ws) ws.close();
      clearTimeout(this.reconnectTimer);
      this.stopPolling();
    }

    // ---------- ending ----------
    askClear() {
      this.confirmBox.hidden = false;
      this.confirmBox.querySelector(".ed-confirm-yes").focus();
    }

    forget() {
      this.disconnect();
      localStorage.removeItem(STORAGE_KEY);
      this.id = null;
      this.lastId = 0;
      this.seen.clear();
      this.pending = [];
      this.status = null;
      this.queue = null;
      this.started = false;
      this.log.textContent = "";
      this.statusBar.hidden = true;
      this.callbackBox.hidden = true;
      this.resetCallback();
      this.setTyping(null);
    }

    async clear() {
      this.confirmBox.hidden = true;
      const id = this.id;
      if (id) {
        // Only say "gewist" when the bridge erased it (404: it was gone already); otherwise keep the
        // conversation and say so, rather than let the person believe it is gone.
        let erased = false;
        try {
          const response = await fetch(this.config.apiBase + "/api/conversations/" + encodeURIComponent(id), { method: "DELETE" });
          erased = response.ok || response.status === 404;
        } catch (e) { /* offline */ }
        if (!erased) {
          this.renderNotice("Het wissen is niet gelukt. Uw gesprek staat er nog. Probeer het over een paar minuten opnieuw.");
          this.clearButton.focus();
          return;
        }
      }
      this.forget();
      this.renderNotice("Het gesprek is gewist. U kunt opnieuw beginnen.");
      this.input.focus();
      await this.start();
    }
  }

  function loadStyles(config) {
    if (document.querySelector("link[data-elkedeur]")) return;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("elkedeur-chat.css", config.assetBase).href;
    link.dataset.elkedeur = "1";
    document.head.appendChild(link);
  }

  function boot() {
    const config = readConfig();
    loadStyles(config);
    window.ElkeDeurChatInstance = new Chat(config);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
