// The instance list: filters (status, name, created time range, id prefix), the table of
// instances newest first, and paging. The filters live in the URL, so a reload keeps them.
(() => {
  "use strict";
  const M = window.Monitor;
  const STATUSES = ["Running", "Pending", "Suspended", "Completed", "Failed", "Terminated"];
  const PAGE_SIZES = [10, 25, 50, 100];

  /** The filters from the hash's query (`#/?status=Running&top=25`). */
  function filtersFrom(query) {
    return {
      status: (query.get("status") || "").split(",").filter(Boolean),
      name: query.get("name") || "",
      from: query.get("from") || "",
      to: query.get("to") || "",
      prefix: query.get("prefix") || "",
      children: query.get("children") === "1",
      top: Number(query.get("top")) || 25,
      skip: Number(query.get("skip")) || 0,
    };
  }

  function hashOf(filters) {
    const query = new URLSearchParams();
    if (filters.status.length) query.set("status", filters.status.join(","));
    for (const key of ["name", "from", "to", "prefix"]) if (filters[key]) query.set(key, filters[key]);
    if (filters.children) query.set("children", "1");
    if (filters.top !== 25) query.set("top", String(filters.top));
    if (filters.skip) query.set("skip", String(filters.skip));
    const text = query.toString();
    return "#/" + (text ? "?" + text : "");
  }

  function apiQuery(filters) {
    const query = new URLSearchParams();
    if (filters.status.length) query.set("status", filters.status.join(","));
    if (filters.name) query.set("name", filters.name);
    if (filters.prefix) query.set("prefix", filters.prefix);
    // datetime-local values are local times; the API takes ISO 8601 in UTC.
    for (const key of ["from", "to"]) {
      const ms = Date.parse(filters[key]);
      if (filters[key] && !Number.isNaN(ms)) query.set(key, new Date(ms).toISOString());
    }
    if (filters.children) query.set("children", "true");
    query.set("top", String(filters.top));
    query.set("skip", String(filters.skip));
    return "?" + query.toString();
  }

  function field(id, text, input) {
    return M.el("div", { class: "field" }, M.el("label", { for: id }, text), input);
  }

  function form(filters, names) {
    const statusBoxes = STATUSES.map((s) => M.el("label", { class: "check" },
      M.el("input", { type: "checkbox", name: "status", value: s, checked: filters.status.includes(s) }), s));
    const nameList = M.el("datalist", { id: "name-options" }, names.map((n) => M.el("option", { value: n })));
    const element = M.el("form", { class: "filters", id: "filters", role: "search", "aria-label": "Filter instances" },
      M.el("div", { class: "row" },
        M.el("fieldset", {}, M.el("legend", {}, "Status"), M.el("div", { class: "statuses" }, statusBoxes)),
        field("f-name", "Name contains", M.el("input", { type: "search", id: "f-name", name: "name", value: filters.name, list: "name-options", autocomplete: "off" })),
        nameList,
        field("f-prefix", "Instance id starts with", M.el("input", { type: "search", id: "f-prefix", name: "prefix", value: filters.prefix, autocomplete: "off" })),
        field("f-from", "Created from", M.el("input", { type: "datetime-local", id: "f-from", name: "from", value: filters.from })),
        field("f-to", "Created to", M.el("input", { type: "datetime-local", id: "f-to", name: "to", value: filters.to })),
        field("f-top", "Per page", M.el("select", { id: "f-top", name: "top" },
          PAGE_SIZES.map((n) => M.el("option", { value: String(n), selected: n === filters.top }, String(n))))),
        M.el("label", { class: "check" }, M.el("input", { type: "checkbox", id: "f-children", name: "children", checked: filters.children }), "Show sub-orchestrations"),
        M.el("div", { class: "actions" },
          M.el("button", { type: "submit", class: "button primary" }, "Apply filters"),
          M.el("button", { type: "button", class: "button", onclick: () => { window.location.hash = "#/"; } }, "Clear"))));
    element.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(element);
      const next = {
        status: data.getAll("status"), name: String(data.get("name") || "").trim(),
        from: String(data.get("from") || ""), to: String(data.get("to") || ""),
        prefix: String(data.get("prefix") || "").trim(), children: data.get("children") === "on",
        top: Number(data.get("top")) || 25, skip: 0,
      };
      const hash = hashOf(next);
      if (window.location.hash === hash) M.refresh();
      else window.location.hash = hash;
    });
    return element;
  }

  function phaseText(row) {
    return row.phase ? row.phase.replace(/_/g, " ") : "";
  }

  function table(page) {
    const rows = page.instances.map((row) => M.el("tr", { "data-instance": row.instanceId, "data-status": row.runtimeStatus },
      M.el("td", {}, M.el("a", { href: M.instanceHref(row.instanceId), "data-focus-key": `open:${row.instanceId}` }, row.instanceId)),
      M.el("td", {}, row.name || ""),
      M.el("td", {}, M.badge(row.runtimeStatus), row.phase ? M.el("div", { class: "phase" }, phaseText(row)) : null),
      M.el("td", {}, M.el("time", { dateTime: row.createdTime || "" }, M.formatTime(row.createdTime))),
      M.el("td", {}, M.el("time", { dateTime: row.lastUpdatedTime || "" }, M.formatTime(row.lastUpdatedTime))),
      M.el("td", { class: "num" }, row.durationSeconds != null && row.durationSeconds < 1 ? "< 1 s" : M.formatDuration((row.durationSeconds ?? NaN) * 1000))));
    if (!rows.length) rows.push(M.el("tr", {}, M.el("td", { colspan: 6, class: "empty" }, "No instance matches these filters.")));
    const headers = ["Instance id", "Name", "Status", "Created", "Last updated", "Duration"];
    return M.el("table", { class: "instances", id: "instances" },
      M.el("caption", {}, `${page.total} instance${page.total === 1 ? "" : "s"}${page.truncated ? " (only the newest scanned; narrow the filters)" : ""}, newest first`),
      M.el("thead", {}, M.el("tr", {}, headers.map((h) => M.el("th", { scope: "col", class: h === "Duration" ? "num" : "" }, h)))),
      M.el("tbody", {}, rows));
  }

  function pager(page, filters) {
    const first = page.total ? page.skip + 1 : 0;
    const last = Math.min(page.skip + page.top, page.total);
    const go = (skip) => () => { window.location.hash = hashOf({ ...filters, skip }); };
    return M.el("nav", { class: "pager", "aria-label": "Pages" },
      M.el("button", { type: "button", class: "button", id: "page-prev", disabled: page.skip === 0, onclick: go(Math.max(0, page.skip - page.top)), "data-focus-key": "page-prev" }, "← Newer"),
      M.el("span", {}, `${first}–${last} of ${page.total}`),
      M.el("button", { type: "button", class: "button", id: "page-next", disabled: last >= page.total, onclick: go(page.skip + page.top), "data-focus-key": "page-next" }, "Older →"));
  }

  /** Render the list view into `view`; on refresh only the results are redrawn, so typing
   *  in the filters is never disturbed. */
  M.listView = async function listView(view, query, refreshing) {
    const filters = filtersFrom(query);
    const page = await M.api(apiQuery(filters));
    let results = document.getElementById("results");
    if (!refreshing || !results) {
      M.fill(view,
        M.el("h1", { id: "view-title", tabIndex: -1 }, "Instances"),
        form(filters, page.names || []),
        M.el("div", { id: "results" }));
      results = document.getElementById("results");
      document.title = "Instances · Durable monitor";
    } else {
      const options = document.getElementById("name-options");
      if (options) M.clear(options).append(...(page.names || []).map((n) => M.el("option", { value: n })));
    }
    const waiting = await M.approvalsPanel();
    M.clear(results).append(...(waiting ? [waiting] : []), table(page), pager(page, filters));
  };
})();
