// The page's router (`#/` the list, `#/instances/{id}` one instance) and its auto-refresh,
// which pauses while a dialog is open, while the user types, and once an instance is done.
(() => {
  "use strict";
  const M = window.Monitor;
  const INSTANCE = "#/instances/";
  let rendering = false;
  let again = false;
  let live = true;
  let timer = null;

  function route() {
    const hash = window.location.hash || "#/";
    if (hash.startsWith(INSTANCE)) return { view: "instance", id: decodeURIComponent(hash.slice(INSTANCE.length)) };
    const at = hash.indexOf("?");
    return { view: "list", query: new URLSearchParams(at >= 0 ? hash.slice(at + 1) : "") };
  }

  /** Draw the current view; on a refresh keep the focus where it was. */
  async function render(refreshing) {
    if (rendering) { again = true; return; }
    rendering = true;
    const view = document.getElementById("view");
    const focused = document.activeElement;
    const focusKey = focused && focused.dataset ? focused.dataset.focusKey : null;
    const problem = document.getElementById("load-error");
    try {
      const where = route();
      if (where.view === "instance") {
        live = await M.instanceView(view, where.id);
      } else {
        M.live.stop();
        M.lastListHash = window.location.hash || "#/";
        await M.listView(view, where.query, refreshing);
        live = true;
      }
      problem.textContent = "";
      document.getElementById("refreshed").textContent = `Updated ${new Date().toLocaleTimeString()}`;
      const back = focusKey ? view.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`) : null;
      if (back && !back.disabled) back.focus({ preventScroll: true });
      else if (!refreshing) {
        const title = document.getElementById("view-title");
        if (title) title.focus({ preventScroll: true });
      }
    } catch (failure) {
      problem.textContent = failure.status === 401 || failure.status === 403
        ? `Access denied: ${failure.message} The monitor needs the Admin role.`
        : `Could not load: ${failure.message}`;
    } finally {
      rendering = false;
      if (again) { again = false; render(true); }
    }
  }

  function busy() {
    if (document.getElementById("confirm").open || document.hidden) return true;
    const focused = document.activeElement;
    return !!focused && ["INPUT", "TEXTAREA"].includes(focused.tagName) && focused.type !== "checkbox";
  }

  function schedule() {
    if (timer) window.clearInterval(timer);
    timer = null;
    if (!document.getElementById("auto-refresh").checked) return;
    const seconds = Number(document.getElementById("refresh-every").value) || 10;
    timer = window.setInterval(() => { if (live && !busy()) render(true); }, seconds * 1000);
  }

  M.refresh = () => render(true);
  /** Refresh a few times shortly after an action, while its effect lands. */
  M.refreshSoon = () => { for (const ms of [300, 1200, 3000]) window.setTimeout(() => render(true), ms); };

  window.addEventListener("hashchange", () => render(false));
  document.getElementById("auto-refresh").addEventListener("change", schedule);
  document.getElementById("refresh-every").addEventListener("change", schedule);
  document.getElementById("refresh-now").addEventListener("click", () => render(true));
  schedule();
  render(false);
})();
