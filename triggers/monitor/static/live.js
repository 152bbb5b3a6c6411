// A coordinator workflow's live events on its instance page: the workflow's event stream
// (`/api/coordinator/workflows/{id}/events`, Server-Sent Events) is followed while the
// instance runs; each event is listed as it comes and refreshes the view, so its facts,
// timeline and approval update as the run goes on.
(() => {
  "use strict";
  const M = window.Monitor;
  const pageKey = new URLSearchParams(window.location.search).get("code");
  const apiBase = window.location.pathname.replace(/\/+$/, "").replace(/\/monitor$/, "");
  const state = { id: null, source: null, lines: [], ended: false, timer: null };

  function eventsUrl(id) {
    const url = `${apiBase}/coordinator/workflows/${encodeURIComponent(id)}/events`;
    return pageKey ? `${url}?code=${encodeURIComponent(pageKey)}` : url;
  }

  function describe(kind, data) {
    const who = data.agent || data.instance || "";
    switch (kind) {
      case "workflow_started": return "Workflow started";
      case "plan": return `Plan: ${(data.tasks || []).map((t) => t.agent).join(", ") || "no agent"}`;
      case "approval_requested": return `Waiting for approval: ${(data.agents || []).join(", ")}`;
      case "approval_decided": return `Plan ${data.approved ? "approved" : "denied"}${data.approver ? ` by ${data.approver}` : ""}`;
      case "agent_started": return `${who} started`;
      case "model_step": return `${who}: model step${(data.tool_calls || []).length ? `, asks for ${data.tool_calls.join(", ")}` : ""}`;
      case "tool_call": return `${who} called ${data.tool}: ${data.outcome}`;
      case "agent_finished": return `${who} finished: ${data.status}`;
      case "answer": return "Answer ready";
      case "workflow_ended": return `Workflow ended: ${data.outcome || data.runtime_status}`;
      case "activity": return `${who ? `${who}: ` : ""}${data.name} ${data.outcome}`;
      default: return `${kind}${who ? `: ${who}` : ""}`;
    }
  }

  function item(line) {
    return M.el("li", {}, M.el("time", {}, line.at), " ", M.el("span", {}, line.text));
  }

  function refreshSoon() {
    if (state.timer) return;
    state.timer = window.setTimeout(() => { state.timer = null; M.refresh(); }, 250);
  }

  function received(message) {
    let data = {};
    try { data = JSON.parse(message.data); } catch (_) { data = {}; }
    const line = { at: new Date().toLocaleTimeString(), text: describe(message.type, data) };
    state.lines.push(line);
    const list = document.getElementById("live-events");
    if (list) list.append(item(line));
    if (message.type === "workflow_ended") stop(true);
    refreshSoon();
  }

  const KINDS = ["workflow_started", "plan", "approval_requested", "approval_decided", "agent_started",
    "model_step", "tool_call", "agent_finished", "answer", "event_raised", "activity", "step_started",
    "step_ended", "workflow_ended"];

  function stop(ended) {
    if (state.source) state.source.close();
    state.source = null;
    if (ended) state.ended = true;
    const shown = document.getElementById("live-state");
    if (shown) shown.textContent = ended ? "The workflow ended." : "Not following.";
  }

  M.live = {
    /** Follow the events of workflow `id` (once; following another id stops the first). */
    follow(id) {
      if (state.id === id && (state.source || state.ended)) return;
      stop(false);
      Object.assign(state, { id, lines: [], ended: false });
      const source = new EventSource(eventsUrl(id));
      for (const kind of KINDS) source.addEventListener(kind, received);
      // The server closes each answer after a while and the browser reconnects with the last
      // event id; once the workflow ended and every event was sent it answers 204, which
      // ends the stream here.
      source.addEventListener("error", () => { if (source.readyState === EventSource.CLOSED) stop(true); });
      state.source = source;
    },
    /** Stop following (the list stays until another workflow is followed). */
    stop: () => stop(false),
    /** The live events section of workflow `id`. */
    panel(id) {
      const lines = state.id === id ? state.lines : [];
      const status = state.id === id && state.source ? "Following as it runs." : state.ended ? "The workflow ended." : "Not following.";
      return M.el("section", { class: "live", "aria-labelledby": "live-title" },
        M.el("h2", { id: "live-title" }, "Live events"),
        M.el("p", { class: "muted", id: "live-state" }, status),
        M.el("ol", { id: "live-events", "aria-live": "polite" }, lines.map(item)));
    },
  };
})();
