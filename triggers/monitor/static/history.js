// The history of one instance (or one of its sub-orchestrations) as a table: each event with
// its time, offset from the start, the function or event it concerns, how long it took, and
// its result or failure.
(() => {
  "use strict";
  const M = window.Monitor;

  function details(event) {
    if (event.EventType.endsWith("Failed")) return [event.Reason, event.Details].filter(Boolean).join(": ");
    if (event.FailureDetails) return event.FailureDetails;
    for (const key of ["Result", "Input", "Reason", "Data"]) {
      if (event[key] !== undefined && event[key] !== null) return event[key];
    }
    if (event.FireAt) return `fires at ${event.FireAt}`;
    return event.OrchestrationStatus || "";
  }

  function detailCell(value) {
    const text = M.pretty(value);
    if (!text) return M.el("td", { class: "details" });
    if (text.length <= 140 && !text.includes("\n")) return M.el("td", { class: "details" }, M.el("code", {}, text));
    return M.el("td", { class: "details" },
      M.el("details", {}, M.el("summary", {}, M.preview(value, 110)), M.el("pre", { class: "json" }, text)));
  }

  function table(status) {
    const history = status.history || [];
    const origin = history.length ? M.parseTime(history[0].Timestamp) : NaN;
    const rows = history.map((event, index) => {
      const at = M.parseTime(event.Timestamp);
      const scheduled = M.parseTime(event.ScheduledTime);
      const failed = event.EventType.endsWith("Failed") || event.OrchestrationStatus === "Failed";
      const name = event.FunctionName || event.Name || "";
      const instance = event.InstanceId
        ? M.el("a", { href: M.instanceHref(event.InstanceId) }, event.InstanceId)
        : "";
      return M.el("tr", { class: failed ? "failed" : "" },
        M.el("td", { class: "num" }, String(index + 1)),
        M.el("td", { class: "mono" }, M.formatTime(event.Timestamp) + "." + String(new Date(at).getMilliseconds()).padStart(3, "0")),
        M.el("td", { class: "num" }, Number.isNaN(origin) ? "" : `+${M.formatDuration(at - origin)}`),
        M.el("td", { class: "event" }, event.EventType),
        M.el("td", {}, name, instance ? M.el("div", { class: "muted" }, instance) : null),
        M.el("td", { class: "num" }, Number.isNaN(scheduled) ? "" : M.formatDuration(at - scheduled)),
        detailCell(details(event)));
    });
    if (!rows.length) rows.push(M.el("tr", {}, M.el("td", { colspan: 7, class: "empty" }, "No history.")));
    return M.el("table", { class: "history", id: "history-table" },
      M.el("caption", {}, `History of ${status.instanceId} (${history.length} events)`),
      M.el("thead", {}, M.el("tr", {}, ["#", "Time", "Offset", "Event", "Name", "Duration", "Result or failure"].map(
        (h) => M.el("th", { scope: "col", class: ["#", "Offset", "Duration"].includes(h) ? "num" : "" }, h)))),
      M.el("tbody", {}, rows));
  }

  /** The history tab: a chooser of the instance or one of its sub-orchestrations, and the
   *  table of the chosen one's events. `state.historyOf` remembers the choice. */
  M.historyPanel = function historyPanel(detail, state) {
    const all = [detail.instance, ...(detail.children || [])];
    const chosen = all.find((s) => s.instanceId === state.historyOf) || detail.instance;
    const holder = M.el("div", {}, table(chosen));
    const select = M.el("select", {
      id: "history-of",
      onchange: () => {
        state.historyOf = select.value;
        const next = all.find((s) => s.instanceId === select.value) || detail.instance;
        M.clear(holder).append(table(next));
      },
    }, all.map((s) => M.el("option", { value: s.instanceId, selected: s === chosen },
      `${s === detail.instance ? "This instance" : s.name} · ${s.instanceId} (${s.runtimeStatus})`)));
    return M.el("div", {},
      M.el("div", { class: "field" }, M.el("label", { for: "history-of" }, "Show the history of"), select),
      holder);
  };
})();
