"use strict";
// Renders openapi.json (fetched from this origin) and drives the try-it form. Text goes into
// the page through textContent only, never as HTML.
(function () {
  let spec = null;
  let workflowPath = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  function refName(ref) {
    return ref.split("/").pop();
  }

  function typeOf(schema) {
    if (!schema) return "any";
    if (schema.$ref) {
      const name = refName(schema.$ref);
      return el("a", { href: "#schema-" + name, text: name });
    }
    const variants = schema.anyOf || schema.oneOf;
    if (variants) {
      const span = el("span");
      variants.forEach((variant, i) => {
        if (i) span.append(" | ");
        span.append(typeOf(variant));
      });
      return span;
    }
    if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
    if (schema.const !== undefined) return JSON.stringify(schema.const);
    if (schema.type === "array") return el("span", {}, "array of ", typeOf(schema.items));
    if (schema.type === "object" && schema.additionalProperties) {
      return el("span", {}, "map of ", typeOf(schema.additionalProperties));
    }
    return schema.type || "any";
  }

  function constraints(schema) {
    const parts = [];
    for (const key of ["minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "pattern"]) {
      if (schema[key] !== undefined) parts.push(key + " " + schema[key]);
    }
    if (schema.default !== undefined) parts.push("default " + JSON.stringify(schema.default));
    return parts.join(", ");
  }

  function propertyTable(schema) {
    const props = schema.properties || {};
    const required = new Set(schema.required || []);
    const table = el("table", {}, el("tr", {}, el("th", { text: "Field" }), el("th", { text: "Type" }), el("th", { text: "About" })));
    for (const [name, prop] of Object.entries(props)) {
      table.append(
        el("tr", {},
          el("td", {}, el("code", { text: name }), required.has(name) ? el("span", { class: "req", text: " required" }) : null),
          el("td", {}, typeOf(prop)),
          el("td", {}, prop.description || prop.title || "", el("br"), el("small", { text: constraints(prop) }))),
      );
    }
    return table;
  }

  function schemaBlock(name, schema) {
    const block = el("div", { class: "schema", id: "schema-" + name }, el("h3", { text: name }));
    if (schema.description) block.append(el("p", { text: schema.description }));
    if (schema.properties) block.append(propertyTable(schema));
    else block.append(el("p", {}, "Type: ", typeOf(schema)));
    return block;
  }

  function contentType(content) {
    const json = content && content["application/json"];
    return json ? typeOf(json.schema) : content ? Object.keys(content).join(", ") : "no body";
  }

  function operationBlock(path, method, op) {
    const id = "op-" + op.operationId;
    const anonymous = Array.isArray(op.security) && op.security.length === 0;
    const block = el("article", { class: "op", id },
      el("h3", {}, el("span", { class: "method " + method, text: method }), el("code", { text: "/api" + path }),
        el("span", { class: "auth", text: anonymous ? "anonymous" : "function key" })),
      el("p", { text: op.summary || "" }));
    if (op.description) block.append(el("p", { text: op.description }));
    if (op.parameters && op.parameters.length) {
      const table = el("table", {}, el("tr", {}, el("th", { text: "Parameter" }), el("th", { text: "In" }), el("th", { text: "Type" }), el("th", { text: "About" })));
      for (const p of op.parameters) {
        table.append(el("tr", {}, el("td", {}, el("code", { text: p.name })), el("td", { text: p.in }), el("td", {}, typeOf(p.schema)), el("td", { text: p.description || "" })));
      }
      block.append(table);
    }
    if (op.requestBody) {
      block.append(el("p", {}, el("strong", { text: "Body" }), op.requestBody.required ? " (required): " : " (optional): ", contentType(op.requestBody.content)));
    }
    const responses = el("table", {}, el("tr", {}, el("th", { text: "Status" }), el("th", { text: "Body" }), el("th", { text: "When" })));
    for (const [status, answer] of Object.entries(op.responses || {})) {
      responses.append(el("tr", {}, el("td", { class: "status", text: status }), el("td", {}, contentType(answer.content)), el("td", { text: answer.description || "" })));
    }
    block.append(responses);
    return block;
  }

  function render() {
    document.getElementById("title").textContent = spec.info.title;
    document.getElementById("description").textContent = spec.info.description || "";
    document.getElementById("version").textContent = spec.info.version;
    const toc = document.getElementById("toc");
    const operations = document.getElementById("operations");
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        toc.append(el("li", {}, el("a", { href: "#op-" + op.operationId }, method.toUpperCase() + " /api" + path)));
        operations.append(operationBlock(path, method, op));
      }
    }
    const schemas = document.getElementById("schemas");
    for (const [name, schema] of Object.entries(spec.components.schemas).sort((a, b) => a[0].localeCompare(b[0]))) {
      schemas.append(schemaBlock(name, schema));
    }
    const queryTypes = spec.components.schemas.QueryType;
    const select = document.getElementById("try-type");
    for (const value of (queryTypes && queryTypes.enum) || ["general"]) {
      select.append(el("option", { value, text: value }));
    }
  }

  function headers() {
    const key = document.getElementById("try-key").value.trim();
    const sent = { "Content-Type": "application/json" };
    if (key) sent["x-functions-key"] = key;
    return sent;
  }

  async function call(method, url, body) {
    const status = document.getElementById("try-status");
    const output = document.getElementById("try-output");
    status.textContent = method + " " + url + " …";
    const response = await fetch(url, { method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let data = null;
    try { data = JSON.parse(text); } catch (e) { data = null; }
    status.textContent = method + " " + url + " → " + response.status;
    output.textContent = data === null ? text : JSON.stringify(data, null, 2);
    if (data && data.workflow_url) {
      workflowPath = new URL(data.workflow_url, location.href).pathname;
      document.getElementById("try-actions").hidden = false;
    }
    return data;
  }

  async function decide(approved) {
    if (!workflowPath) return;
    const approver = document.getElementById("try-approver").value.trim();
    await call("POST", workflowPath + "/approval", { approved, approver });
  }

  function wire() {
    document.getElementById("try-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {
        query: document.getElementById("try-query").value,
        query_type: document.getElementById("try-type").value,
        require_approval: document.getElementById("try-approval").checked,
      };
      const budget = document.getElementById("try-budget").value;
      if (budget) body.budget_tokens = Number(budget);
      call("POST", "coordinator/orchestrate", body).catch((e) => { document.getElementById("try-status").textContent = String(e); });
    });
    document.getElementById("try-refresh").addEventListener("click", () => workflowPath && call("GET", workflowPath));
    document.getElementById("try-approve").addEventListener("click", () => decide(true));
    document.getElementById("try-deny").addEventListener("click", () => decide(false));
    const code = new URLSearchParams(location.search).get("code");
    if (code) document.getElementById("try-key").value = code;
  }

  wire();
  fetch("openapi.json")
    .then((response) => response.json())
    .then((document_) => { spec = document_; render(); })
    .catch((error) => { document.getElementById("description").textContent = "Could not load openapi.json: " + error; });
})();
