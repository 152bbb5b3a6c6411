// The monitor's helpers: calls to its JSON API, a DOM builder that only ever sets text,
// and the formatting of times, durations and values.
(() => {
  "use strict";
  const M = (window.Monitor = window.Monitor || {});

  // A function key given in the page's URL (`?code=`) goes with every API call, as a header.
  const pageKey = new URLSearchParams(window.location.search).get("code");
  const apiRoot = window.location.pathname.replace(/\/+$/, "") + "/api/";

  /** Call the monitor API (under `instances`, or `options.collection`); resolves to the JSON
   *  body, rejects with an Error carrying `status` and the server's `message`. */
  M.api = async function api(path, options = {}) {
    const headers = { Accept: "application/json" };
    if (pageKey) headers["x-functions-key"] = pageKey;
    const init = { method: options.method || "GET", headers, credentials: "same-origin", cache: "no-store" };
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    const response = await fetch(apiRoot + (options.collection || "instances") + path, init);
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (_) { data = { message: text }; }
    }
    if (!response.ok) {
      const error = new Error((data && data.message) || `The server answered ${response.status}.`);
      error.status = response.status;
      error.data = data;
      throw error;
    }
    return data;
  };

  M.instancePath = (id) => "/" + encodeURIComponent(id);
  M.instanceHref = (id) => "#/instances/" + encodeURIComponent(id);

  /** Build an element: `attrs` are properties or attributes (`class`, `aria-*`, `data-*`,
   *  `on*` handlers); children are nodes or strings (set as text, never parsed as HTML). */
  M.el = function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else if (key.startsWith("aria-") || key.startsWith("data-") || key === "role" || key === "for" || key === "colspan" || key === "scope" || key === "list") node.setAttribute(key, value === true ? "" : String(value));
      else node[key] = value;
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };

  M.clear = (node) => { while (node.firstChild) node.removeChild(node.firstChild); return node; };
  /** Replace a node's children, skipping the null and false ones (`append` would write "null"). */
  M.fill = (node, ...children) => {
    M.clear(node).append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  };

  /** Milliseconds since the epoch of an ISO time (seven fractional digits allowed). */
  M.parseTime = function parseTime(text) {
    if (!text) return NaN;
    const trimmed = String(text).replace(/(\.\d{3})\d+/, "$1");
    return Date.parse(trimmed);
  };

  M.formatTime = function formatTime(text) {
    const ms = M.parseTime(text);
    if (Number.isNaN(ms)) return "";
    const d = new Date(ms);
    const pad = (n, w = 2) => String(n).padStart(w, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };

  M.formatDuration = function formatDuration(ms) {
    if (ms === null || ms === undefined || Number.isNaN(ms)) return "";
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} h ${m % 60} min`;
    return `${Math.floor(h / 24)} d ${h % 24} h`;
  };

  M.badge = (status) => M.el("span", { class: `badge ${status}` }, status || "Unknown");

  /** A value as readable text: strings as they are, anything else as indented JSON. */
  M.pretty = (value) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

  M.preview = function preview(value, width = 120) {
    if (value === undefined || value === null) return "";
    const text = (typeof value === "string" ? value : JSON.stringify(value)).replace(/\s+/g, " ");
    return text.length > width ? text.slice(0, width - 1) + "…" : text;
  };

  /** Say something to screen readers without moving focus. */
  M.announce = function announce(text) {
    const region = document.getElementById("announce");
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 30);
  };

  /** Ask for confirmation in the page's dialog; resolves to the options chosen or null. */
  M.confirm = function confirm({ title, message, confirmLabel = "Confirm", danger = false, reason = false, newInstanceId = false }) {
    const dialog = document.getElementById("confirm");
    document.getElementById("confirm-title").textContent = title;
    document.getElementById("confirm-message").textContent = message;
    document.getElementById("confirm-reason-field").hidden = !reason;
    document.getElementById("confirm-reason").value = "";
    document.getElementById("confirm-new-id-field").hidden = !newInstanceId;
    document.getElementById("confirm-new-id").checked = true;
    const ok = document.getElementById("confirm-ok");
    ok.textContent = confirmLabel;
    ok.className = danger ? "button deny" : "button primary";
    return new Promise((resolve) => {
      const onClose = () => {
        // A close event still queued from an earlier dialog arrives while this one is open.
        if (dialog.open) return;
        dialog.removeEventListener("close", onClose);
        if (dialog.returnValue !== "confirm") return resolve(null);
        resolve({
          reason: document.getElementById("confirm-reason").value.trim(),
          newInstanceId: document.getElementById("confirm-new-id").checked,
        });
      };
      dialog.addEventListener("close", onClose);
      dialog.returnValue = "";
      dialog.showModal();
      (reason ? document.getElementById("confirm-reason") : document.getElementById("confirm-cancel")).focus();
    });
  };
})();
