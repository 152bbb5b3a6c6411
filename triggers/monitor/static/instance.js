// One instance: its facts and custom status (phase, agents, tokens), the approval it waits
// for, the actions its state allows, and tabs with the timeline, the history and the
// input and output.
(() => {
  "use strict";
  const M = window.Monitor;
  const state = { id: null, tab: "timeline", historyOf: null, notice: null, draft: { approver: "", comment: "" } };
  const ACTIONS = [
    { name: "terminate", label: "Terminate", danger: true, reason: true, text: "Terminate {id} and the sub-orchestrations it still runs? It stops for good." },
    { name: "suspend", label: "Suspend", reason: true, text: "Suspend {id}? It keeps its state and does nothing until resumed." },
    { name: "resume", label: "Resume", reason: true, text: "Resume {id}?" },
    { name: "rewind", label: "Rewind", reason: true, text: "Rewind the failed instance {id}? It replays and retries the steps that failed." },
    { name: "restart", label: "Restart", newInstanceId: true, text: "Start {id} again from the beginning with its original input?" },
    { name: "purge", label: "Purge", danger: true, text: "Delete the history of {id} and of its sub-orchestrations? This cannot be undone." },
  ];

  function fact(term, ...value) {
    return M.el("div", {}, M.el("dt", {}, term), M.el("dd", {}, ...value));
  }

  function facts(detail) {
    const status = detail.instance;
    // The history's timestamps are precise; the status times are whole seconds.
    const root = M.timeline.build({ instance: status, children: [] }).rows[0];
    const ranFor = Number.isFinite(root.end - root.start) ? root.end - root.start : (status.durationSeconds ?? NaN) * 1000;
    const custom = status.customStatus && typeof status.customStatus === "object" ? status.customStatus : {};
    const items = [
      fact("Name", status.name || ""),
      fact("Status", M.badge(status.runtimeStatus)),
      fact("Created", M.formatTime(status.createdTime)),
      fact("Last updated", M.formatTime(status.lastUpdatedTime)),
      fact("Duration", M.formatDuration(ranFor)),
    ];
    if (custom.phase) items.push(fact("Phase", custom.phase.replace(/_/g, " ")));
    if (custom.agents_total !== undefined) {
      items.push(fact("Agents done", `${custom.agents_done ?? 0} of ${custom.agents_total} `,
        M.el("progress", { max: Math.max(custom.agents_total, 1), value: custom.agents_done || 0, "aria-label": "Agents done" })));
    }
    if (custom.tokens_used !== undefined) {
      const budget = custom.budget_tokens || 0;
      items.push(fact("Tokens used", `${custom.tokens_used}${budget ? ` of ${budget}` : ""} `,
        budget ? M.el("meter", { min: 0, max: budget, value: custom.tokens_used, high: budget * 0.8, "aria-label": "Tokens used of the budget" }) : null));
    }
    if (custom.outcome) items.push(fact("Outcome", custom.outcome));
    return M.el("dl", { class: "facts" }, items);
  }

  async function run(path, options, success) {
    state.notice = null;
    state.error = null;
    document.getElementById("action-notice").textContent = "";
    document.getElementById("action-error").textContent = "";
    try {
      const answer = await M.api(path, options);
      state.notice = answer.message || "Done.";
      if (success) success(answer);
      else done();
    } catch (failure) {
      state.error = `Failed: ${failure.message}`;
      document.getElementById("action-error").textContent = state.error;
    }
  }

  function done() {
    document.getElementById("action-notice").textContent = state.notice;
    M.announce(state.notice);
    M.refreshSoon();
  }

  async function act(action, detail) {
    const id = detail.instance.instanceId;
    const chosen = await M.confirm({
      title: `${action.label} instance`, message: action.text.replace("{id}", id), confirmLabel: action.label,
      danger: action.danger, reason: action.reason, newInstanceId: action.newInstanceId,
    });
    if (!chosen) return;
    const path = M.instancePath(id) + (action.name === "purge" ? "" : `/${action.name}`);
    const body = action.name === "restart" ? { newInstanceId: chosen.newInstanceId } : { reason: chosen.reason || undefined };
    await run(path, { method: action.name === "purge" ? "DELETE" : "POST", body }, (answer) => {
      if (action.name === "purge") {
        M.flash = answer.message;
        window.location.hash = M.lastListHash || "#/";
      } else if (action.name === "restart" && answer.newInstanceId && answer.newInstanceId !== id) {
        M.flash = answer.message;
        window.location.hash = M.instanceHref(answer.newInstanceId);
      } else {
        done();
      }
    });
  }

  function toolbar(detail) {
    const allowed = new Set(detail.actions || []);
    const buttons = ACTIONS.map((action) => M.el("button", {
      type: "button", class: `button${action.danger ? " danger" : ""}`, id: `action-${action.name}`,
      disabled: !allowed.has(action.name), "data-focus-key": `action-${action.name}`,
      title: allowed.has(action.name) ? "" : `Not possible while ${detail.instance.runtimeStatus}`,
      onclick: () => act(action, detail),
    }, action.label));
    return M.el("div", { class: "toolbar", role: "toolbar", "aria-label": "Actions" }, buttons);
  }

  async function decide(detail, approved) {
    const approval = detail.approval;
    const needName = !detail.viewer.authenticated;
    const approver = needName ? document.getElementById("approver").value.trim() : detail.viewer.name;
    if (needName && !approver) {
      state.error = "Enter the approver's name first.";
      document.getElementById("action-error").textContent = state.error;
      document.getElementById("approver").focus();
      return;
    }
    const verb = approved ? "Approve" : "Deny";
    const chosen = await M.confirm({
      title: `${verb} ${approval.kind === "tool_call" ? approval.tool : "the plan"}`,
      message: `${verb} ${approval.kind === "tool_call" ? approval.tool : "the plan"} of ${approval.workflowId || detail.instance.instanceId} as ${approver}? Digest ${approval.digest.slice(0, 16)}…`,
      confirmLabel: verb, danger: !approved,
    });
    if (!chosen) return;
    const comment = document.getElementById("approval-comment").value.trim();
    await run(M.instancePath(approval.instanceId) + "/approval", {
      method: "POST", body: { approved, digest: approval.digest, comment, approver },
    });
  }

  function approvalPanel(detail) {
    const approval = detail.approval;
    const plan = approval.plan || { tasks: [] };
    const shown = Object.entries(approval.arguments || {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
    const tasks = approval.kind === "tool_call"
      ? [M.el("li", {}, M.el("strong", {}, approval.agent), `: ${approval.tool}(${shown})`)]
      : (plan.tasks || []).map((t) => M.el("li", {}, M.el("strong", {}, t.agent), `: ${t.task}`));
    const remember = (key) => (event) => { state.draft[key] = event.target.value; };
    const nameField = detail.viewer.authenticated
      ? M.el("p", {}, "You decide as ", M.el("strong", {}, detail.viewer.name), ".")
      : M.el("div", { class: "field" }, M.el("label", { for: "approver" }, "Approver (your name)"),
        M.el("input", { type: "text", id: "approver", value: state.draft.approver, maxLength: 200, required: true, autocomplete: "name", oninput: remember("approver") }));
    return M.el("section", { class: "approval", id: "approval", "aria-labelledby": "approval-title" },
      M.el("h2", { id: "approval-title" }, "Approval needed"),
      M.el("p", {}, `This workflow waits for a decision on ${approval.kind === "tool_call" ? "a tool call that changes data" : "its plan"} (approval instance `,
        M.el("code", {}, approval.instanceId), ")."),
      M.el("ol", {}, tasks),
      approval.reason ? M.el("p", { class: "muted" }, approval.reason) : null,
      plan.rationale ? M.el("p", { class: "muted" }, `Rationale: ${plan.rationale}`) : null,
      M.el("p", { class: "muted" }, "Digest ", M.el("code", {}, approval.digest)),
      M.el("div", { class: "row" },
        nameField,
        M.el("div", { class: "field" }, M.el("label", { for: "approval-comment" }, "Comment (optional)"),
          M.el("input", { type: "text", id: "approval-comment", value: state.draft.comment, maxLength: 1000, oninput: remember("comment") })),
        M.el("button", { type: "button", class: "button approve", id: "approve", "data-focus-key": "approve", onclick: () => decide(detail, true) }, "Approve"),
        M.el("button", { type: "button", class: "button deny", id: "deny", "data-focus-key": "deny", onclick: () => decide(detail, false) }, "Deny")));
  }

  function io(detail) {
    const block = (title, value) => M.el("section", {}, M.el("h3", {}, title),
      value === null || value === undefined ? M.el("p", { class: "muted" }, "None.") : M.el("pre", { class: "json", tabIndex: 0 }, M.pretty(value)));
    const status = detail.instance;
    return M.el("div", { class: "io" }, block("Input", status.input), block("Output", status.output), block("Custom status", status.customStatus));
  }

  function tabs(detail) {
    const panels = {
      timeline: { label: "Timeline", build: () => M.timeline.render(detail) },
      history: { label: "History", build: () => M.historyPanel(detail, state) },
      io: { label: "Input and output", build: () => io(detail) },
    };
    const keys = Object.keys(panels);
    const list = M.el("div", { class: "tabs", role: "tablist", "aria-label": "Instance details" });
    const holder = M.el("div", {});
    const select = (key, focus) => {
      state.tab = key;
      for (const button of list.children) {
        const on = button.dataset.tab === key;
        button.setAttribute("aria-selected", String(on));
        button.tabIndex = on ? 0 : -1;
        if (on && focus) button.focus();
      }
      M.clear(holder).append(M.el("div", { role: "tabpanel", id: `panel-${key}`, "aria-labelledby": `tab-${key}`, tabIndex: 0 }, panels[key].build()));
    };
    for (const key of keys) {
      list.append(M.el("button", {
        type: "button", role: "tab", id: `tab-${key}`, "data-tab": key, "aria-controls": `panel-${key}`,
        "data-focus-key": `tab-${key}`, onclick: () => select(key, false),
        onkeydown: (event) => {
          const at = keys.indexOf(key);
          const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: keys.length - 1 }[event.key];
          if (to === undefined) return;
          event.preventDefault();
          select(keys[(to + keys.length) % keys.length], true);
        },
      }, panels[key].label));
    }
    select(keys.includes(state.tab) ? state.tab : "timeline", false);
    return [list, holder];
  }

  /** Render the instance view; returns whether the instance may still change (so the page
   *  keeps refreshing it). */
  M.instanceView = async function instanceView(view, id) {
    if (state.id !== id) {
      Object.assign(state, { id, historyOf: null, notice: null, error: null, draft: { approver: state.draft.approver, comment: "" } });
    }
    if (M.flash) {
      state.notice = M.flash;
      M.flash = null;
    }
    let detail;
    try {
      detail = await M.api(M.instancePath(id));
    } catch (failure) {
      M.fill(view,
        M.el("p", { class: "crumbs" }, M.el("a", { href: M.lastListHash || "#/" }, "← All instances")),
        M.el("h1", { id: "view-title", tabIndex: -1 }, "Instance not shown"),
        M.el("p", { class: "notice error", role: "alert" }, failure.message));
      return false;
    }
    const status = detail.instance;
    const failure = M.failureOf(status);
    M.fill(view,
      M.el("p", { class: "crumbs" }, M.el("a", { href: M.lastListHash || "#/" }, "← All instances")),
      M.el("div", { class: "title-line" },
        M.el("h1", { id: "view-title", tabIndex: -1 }, status.instanceId),
        M.badge(status.runtimeStatus)),
      facts(detail),
      failure ? M.el("div", { class: "failure", role: "note" }, M.el("strong", {}, "Failed: "), M.el("pre", {}, failure)) : null,
      detail.approval ? approvalPanel(detail) : null,
      toolbar(detail),
      M.el("p", { class: "notice ok", id: "action-notice", role: "status" }, state.notice || ""),
      M.el("p", { class: "notice error", id: "action-error", role: "alert" }, state.error || ""),
      ...tabs(detail));
    document.title = `${status.name} ${status.instanceId} · Durable monitor`;
    const active = ["Running", "Pending", "Suspended", "ContinuedAsNew"].includes(status.runtimeStatus);
    if (status.name === "coordinator") {
      if (active) M.live.follow(status.instanceId);
      view.append(M.live.panel(status.instanceId));
    }
    return active || (detail.children || []).some((c) => ["Running", "Pending"].includes(c.runtimeStatus));
  };
})();
