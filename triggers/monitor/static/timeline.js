// The timeline (Gantt) of an instance: every activity, timer, event and sub-orchestration as
// a bar from when it was scheduled to when it finished, with each sub-orchestration's own
// steps nested under it, so a fan-out and each agent's model and tool calls show at a glance.
(() => {
  "use strict";
  const M = window.Monitor;
  const FINISHED_STEP = new Set([
    "TaskCompleted", "TaskFailed", "SubOrchestrationInstanceCompleted",
    "SubOrchestrationInstanceFailed", "TimerFired",
  ]);
  const MARKERS = new Set(["EventRaised", "ExecutionTerminated", "ExecutionSuspended", "ExecutionResumed"]);
  const ACTIVE = new Set(["Running", "Pending", "Suspended", "ContinuedAsNew"]);

  const asObject = (value) => {
    if (typeof value === "string") {
      try { return JSON.parse(value); } catch (_) { return null; }
    }
    return value && typeof value === "object" ? value : null;
  };
  const lastPart = (id) => (id && id.includes(":") ? id.slice(id.lastIndexOf(":") + 1) : id || "");

  /** What a step did, read from its result: the tool an `mcp_tool` call ran, the tools an
   *  `llm_step` asked for, the agents a plan chose; and a warning when it reports an error. */
  function describe(name, result, instanceId) {
    const r = asObject(result) || {};
    switch (name) {
      case "mcp_tool":
        return { detail: r.tool || "", warning: r.error ? `${r.tool}: ${r.error}` : null };
      case "llm_step": {
        const calls = Array.isArray(r.tool_calls) ? r.tool_calls.map((c) => c.name) : [];
        const tokens = r.usage && r.usage.total_tokens ? ` · ${r.usage.total_tokens} tokens` : "";
        return { detail: (calls.length ? `→ ${calls.join(", ")}` : result ? "→ answer" : "") + tokens };
      }
      case "plan": {
        const tasks = r.plan && Array.isArray(r.plan.tasks) ? r.plan.tasks.map((t) => t.agent) : [];
        const approval = r.plan && r.plan.needs_approval ? " (needs approval)" : "";
        return { detail: tasks.length ? `→ ${tasks.join(", ")}${approval}` : "" };
      }
      case "agent_run": {
        const agent = r.agent || lastPart(instanceId);
        const bad = r.status && r.status !== "ok";
        return { detail: agent + (bad ? ` (${r.status})` : ""), warning: bad ? `${agent}: ${r.error || r.answer || r.status}` : null };
      }
      case "approval":
        if (r.approved === true) return { detail: `approved by ${r.approver}` };
        if (r.approved === false) return { detail: "denied", warning: r.reason || "denied" };
        return { detail: "" };
      case "coordinator": case "self_test_run": {
        const failed = Array.isArray(r.failed_agents) && r.failed_agents.length ? r.failed_agents : null;
        return { detail: r.status || lastPart(instanceId), warning: failed ? `failed agents: ${failed.join(", ")}` : null };
      }
      default:
        return { detail: "" };
    }
  }

  /** When an instance ran: from ExecutionStarted to its end, or to now while it is active. */
  function span(status) {
    const history = status.history || [];
    const started = history.find((e) => e.EventType === "ExecutionStarted");
    const ended = [...history].reverse().find((e) => e.EventType === "ExecutionCompleted" || e.EventType === "ExecutionTerminated");
    const running = !ended && ACTIVE.has(status.runtimeStatus);
    const last = history.length ? history[history.length - 1].Timestamp : status.lastUpdatedTime;
    return {
      start: M.parseTime(started ? started.Timestamp : status.createdTime),
      end: ended ? M.parseTime(ended.Timestamp) : running ? Date.now() : M.parseTime(last),
      running,
    };
  }

  /** The failure message of a failed instance, from its history or its output. */
  M.failureOf = function failureOf(status) {
    if (status.runtimeStatus !== "Failed") return null;
    const done = (status.history || []).find((e) => e.EventType === "ExecutionCompleted");
    const details = done && done.FailureDetails;
    const text = (details && (details.ErrorMessage || details.errorMessage)) || (done && done.Result) || status.output;
    const message = M.pretty(text || "");
    return message ? message.slice(0, 4000) : "The orchestration failed.";
  };

  function childStep(child, depth) {
    const window_ = span(child);
    const said = describe(child.name, child.output, child.instanceId);
    if (!said.detail && ACTIVE.has(child.runtimeStatus)) said.detail = child.name === "approval" ? "waiting for a decision" : child.runtimeStatus.toLowerCase();
    const failed = child.runtimeStatus === "Failed";
    return {
      kind: "orchestration", name: child.name, detail: said.detail || lastPart(child.instanceId),
      start: window_.start, end: window_.end, running: window_.running, failed,
      message: failed ? M.failureOf(child) : said.warning, warn: !failed && !!said.warning,
      status: child.runtimeStatus, child, depth,
    };
  }

  function historyStep(event, depth, childById) {
    const failed = event.EventType.endsWith("Failed");
    const timer = event.EventType === "TimerFired";
    const orchestration = event.EventType.startsWith("SubOrchestration");
    const name = timer ? "timer" : event.FunctionName || "?";
    const said = timer ? { detail: `fires at ${M.formatTime(event.FireAt)}` } : describe(name, event.Result, event.InstanceId);
    const child = orchestration && event.InstanceId ? childById.get(event.InstanceId) : undefined;
    return {
      kind: orchestration ? "orchestration" : timer ? "timer" : "activity", name,
      detail: said.detail || (orchestration ? lastPart(event.InstanceId) : ""),
      start: M.parseTime(event.ScheduledTime || event.Timestamp), end: M.parseTime(event.Timestamp),
      failed, warn: !failed && !!said.warning,
      message: failed ? [event.Reason, event.Details].filter(Boolean).join(": ") || "failed" : said.warning,
      child, depth,
    };
  }

  function markerStep(event, depth) {
    const at = M.parseTime(event.Timestamp);
    const name = event.EventType === "EventRaised" ? `event ${event.Name}` : event.EventType.replace("Execution", "").toLowerCase();
    const data = asObject(event.Input);
    const detail = data && "approved" in data ? `${data.approved ? "approve" : "deny"} by ${data.approver}` : M.preview(event.Reason || event.Input, 60);
    return { kind: "event", name, detail, start: at, end: at, depth };
  }

  function stepsOf(status, byParent, depth, rows) {
    const children = byParent.get(status.instanceId) || [];
    const childById = new Map(children.map((c) => [c.instanceId, c]));
    const steps = [];
    for (const event of status.history || []) {
      if (FINISHED_STEP.has(event.EventType)) steps.push(historyStep(event, depth + 1, childById));
      else if (MARKERS.has(event.EventType)) steps.push(markerStep(event, depth + 1));
    }
    const shown = new Set(steps.filter((s) => s.child).map((s) => s.child.instanceId));
    for (const child of children) if (!shown.has(child.instanceId)) steps.push(childStep(child, depth + 1));
    steps.sort((a, b) => a.start - b.start || a.end - b.end);
    for (const step of steps) {
      rows.push(step);
      if (step.child) stepsOf(step.child, byParent, depth + 1, rows);
    }
  }

  /** The timeline's rows (in order, each with its depth) and its time window. */
  function build(detail) {
    const root = detail.instance;
    const byParent = new Map();
    for (const child of detail.children || []) {
      if (!byParent.has(child.parentId)) byParent.set(child.parentId, []);
      byParent.get(child.parentId).push(child);
    }
    const window_ = span(root);
    const failed = root.runtimeStatus === "Failed";
    const rows = [{
      kind: "instance", name: root.name, detail: root.runtimeStatus, start: window_.start, end: window_.end,
      running: window_.running, failed, message: failed ? M.failureOf(root) : null, depth: 0,
    }];
    stepsOf(root, byParent, 0, rows);
    const starts = rows.map((r) => r.start).filter(Number.isFinite);
    const ends = rows.map((r) => r.end).filter(Number.isFinite);
    const start = starts.length ? Math.min(...starts) : 0;
    const end = ends.length ? Math.max(...ends) : start;
    return { start, end: end > start ? end : start + 1, rows };
  }

  function axis(model) {
    const total = model.end - model.start;
    const marks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
      const label = M.el("span", {}, f === 0 ? "0" : M.formatDuration(total * f));
      label.style.left = `${f * 100}%`;
      return label;
    });
    return M.el("div", { class: "axis", "aria-hidden": "true" }, marks);
  }

  function track(row, model) {
    const total = model.end - model.start;
    const ticks = [0.25, 0.5, 0.75].map((f) => {
      const tick = M.el("span", { class: "tick" });
      tick.style.left = `${f * 100}%`;
      return tick;
    });
    const bar = M.el("span", { class: "bar" });
    const left = ((row.start - model.start) / total) * 100;
    bar.style.left = `${Math.min(Math.max(left, 0), 99.6)}%`;
    bar.style.width = `${Math.max(((row.end - row.start) / total) * 100, 0.4)}%`;
    return M.el("div", { class: "track" }, ticks, bar);
  }

  /** Draw the timeline of `detail` (the instance API's answer) as an accessible table. */
  function render(detail) {
    const model = build(detail);
    const counts = { activity: 0, orchestration: 0, failed: 0 };
    for (const row of model.rows) {
      if (row.kind in counts) counts[row.kind] += 1;
      if (row.failed) counts.failed += 1;
    }
    const summary = `${counts.activity} activities and ${counts.orchestration} sub-orchestrations over ${M.formatDuration(model.end - model.start)}` +
      (counts.failed ? `; ${counts.failed} failed` : "");
    const body = M.el("tbody");
    for (const row of model.rows) {
      const classes = [`kind-${row.kind}`, `depth-${Math.min(row.depth, 4)}`];
      if (row.failed) classes.push("failed");
      if (row.warn) classes.push("warn");
      if (row.running) classes.push("running");
      const label = M.el("td", { class: "label", title: `${row.name} ${row.detail || ""}`.trim() },
        row.failed ? M.el("span", { "aria-label": "failed" }, "✗ ") : row.warn ? M.el("span", { "aria-label": "warning" }, "⚠ ") : null,
        M.el("span", { class: "name" }, row.name),
        row.detail ? M.el("span", { class: "detail" }, ` ${row.detail}`) : null);
      label.style.paddingLeft = `${0.5 + row.depth * 1.3}rem`;
      const duration = row.kind === "event" ? "" : M.formatDuration(row.end - row.start) + (row.running ? " (running)" : "");
      body.append(M.el("tr", { class: classes.join(" "), "data-kind": row.kind, "data-name": row.name, "data-depth": row.depth },
        label,
        M.el("td", { class: "num" }, `+${M.formatDuration(row.start - model.start)}`),
        M.el("td", { class: "num" }, duration),
        M.el("td", { "aria-hidden": "true" }, track(row, model))));
      if (row.message) {
        const note = M.el("td", { colspan: 4 }, `${row.failed ? "Failed" : "Warning"}: ${M.preview(row.message, 400)}`);
        note.style.paddingLeft = `${1.8 + row.depth * 1.3}rem`;
        body.append(M.el("tr", { class: `message ${row.failed ? "failed" : "warn"}` }, note));
      }
    }
    const legend = M.el("div", { class: "legend", "aria-hidden": "true" },
      M.el("span", { class: "k-activity" }, "activity"), M.el("span", { class: "k-orchestration" }, "sub-orchestration"),
      M.el("span", { class: "k-timer" }, "timer"), M.el("span", { class: "k-event" }, "event"),
      M.el("span", { class: "k-warn" }, "reported an error"), M.el("span", { class: "k-failed" }, "failed"));
    const table = M.el("table", { class: "gantt", id: "timeline-table" },
      M.el("caption", {}, summary),
      M.el("colgroup", {}, M.el("col", { class: "c-label" }), M.el("col", { class: "c-start" }), M.el("col", { class: "c-dur" }), M.el("col", {})),
      M.el("thead", {}, M.el("tr", {},
        M.el("th", { scope: "col" }, "Step"), M.el("th", { scope: "col", class: "num" }, "Start"),
        M.el("th", { scope: "col", class: "num" }, "Duration"), M.el("th", { scope: "col" }, M.el("span", { class: "visually-hidden" }, "Bar"), axis(model)))),
      body);
    return M.el("div", {}, legend, table);
  }

  M.timeline = { build, render, describe };
})();
