// The approvals waiting for a decision (tool calls that change data, and plans), across every
// workflow: each can be approved or denied on its own, or several at once.
(() => {
  "use strict";
  const M = window.Monitor;
  const selected = new Set();
  let notice = "";

  function say(text) {
    notice = text;
    const shown = document.getElementById("approvals-notice");
    if (shown) shown.textContent = text;
    M.announce(text);
  }

  function argumentsText(row) {
    if (row.kind === "plan") return (row.plan ? row.plan.tasks : []).map((t) => `${t.agent}: ${t.task}`).join("; ");
    return Object.entries(row.arguments || {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
  }

  async function decide(rows, approved) {
    const approver = document.getElementById("bulk-approver").value.trim();
    const body = {
      approved,
      approver,
      approvals: rows.map((r) => ({ workflow_id: r.workflow_id, approval_id: r.approval_id, digest: r.digest })),
    };
    let answer;
    try {
      answer = await M.api("", { method: "POST", collection: "approvals", body });
    } catch (failure) {
      say(`Not decided: ${failure.message}`);
      return;
    }
    const refused = answer.results.filter((r) => r.result === "refused");
    const verdict = approved ? "Approved" : "Denied";
    say(refused.length
      ? `${verdict} ${rows.length - refused.length} of ${rows.length}; refused: ${refused.map((r) => r.message).join(" ")}`
      : `${verdict} ${rows.length} approval${rows.length === 1 ? "" : "s"}.`);
    for (const r of rows) selected.delete(r.approval_id);
    M.refreshSoon();
  }

  function row(r) {
    const label = `${r.tool || "plan"} of ${r.workflow_id}`;
    return M.el("tr", { "data-approval": r.approval_id },
      M.el("td", {}, M.el("input", {
        type: "checkbox", "aria-label": `Select ${label}`, checked: selected.has(r.approval_id), "data-focus-key": `pick:${r.approval_id}`,
        onchange: (event) => { if (event.target.checked) selected.add(r.approval_id); else selected.delete(r.approval_id); },
      })),
      M.el("td", {}, M.el("code", {}, r.workflow_id), " ",
        M.el("a", { href: M.instanceHref(r.workflow_id), "aria-label": `Open workflow ${r.workflow_id}` }, "open")),
      M.el("td", {}, r.agent || "coordinator"),
      M.el("td", {}, r.tool || "plan"),
      M.el("td", {}, M.el("code", {}, argumentsText(r))),
      M.el("td", {}, r.reason || ""),
      M.el("td", {}, M.el("time", { dateTime: r.expires_at }, M.formatTime(r.expires_at))),
      M.el("td", {},
        M.el("button", { type: "button", class: "button primary", "aria-label": "Approve this call", onclick: () => decide([r], true) }, "Approve"),
        M.el("button", { type: "button", class: "button danger", "aria-label": "Deny this call", onclick: () => decide([r], false) }, "Deny")));
  }

  /** The section listing every waiting approval, or nothing when none waits. */
  M.approvalsPanel = async function approvalsPanel() {
    const { approvals } = await M.api("", { collection: "approvals" });
    const said = M.el("p", { class: "notice ok", id: "approvals-notice", role: "status" }, notice);
    if (!approvals.length) return notice ? said : null;
    const chosen = () => approvals.filter((r) => selected.has(r.approval_id));
    const headers = ["", "Workflow", "Agent", "Tool", "Arguments", "Reason", "Expires", "Decision"];
    return M.el("section", { class: "approval", id: "pending-approvals", "aria-labelledby": "pending-approvals-title" },
      M.el("h2", { id: "pending-approvals-title" }, `Approvals waiting (${approvals.length})`),
      M.el("p", { class: "muted" }, "Each is one data-changing tool call (or a plan); it does not run until approved."),
      said,
      M.el("div", { class: "field" },
        M.el("label", { for: "bulk-approver" }, "Approver (used when sign-in is off)"),
        M.el("input", { type: "text", id: "bulk-approver", maxLength: 200, "data-focus-key": "bulk-approver" })),
      M.el("table", { class: "instances", id: "approvals" },
        M.el("caption", {}, "Oldest first"),
        M.el("thead", {}, M.el("tr", {}, headers.map((h) => M.el("th", { scope: "col" }, h)))),
        M.el("tbody", {}, approvals.map(row))),
      M.el("div", { class: "dialog-buttons" },
        M.el("button", { type: "button", class: "button primary", id: "approve-selected", onclick: () => decide(chosen(), true) }, "Approve selected"),
        M.el("button", { type: "button", class: "button danger", id: "deny-selected", onclick: () => decide(chosen(), false) }, "Deny selected")));
  };
})();
