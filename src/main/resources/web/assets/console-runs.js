// Runs: every workflow execution, newest first, filtered by type and status and paged by time.
"use strict";

(() => {
  const { el, api, clear, message } = ML;
  const TYPES = ["DETECTION", "HUMAN_LOOP_RESULT", "SAMPLING_CHECK", "TRAINING_CHECK", "TRAINING_RUN", "PARAMETER_CHANGE"];
  const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED"];
  const PAGE = 25;
  const content = document.getElementById("content");
  // the filters live in the address, so a reload or a shared link shows the same page
  const q = new URLSearchParams(location.search);
  const newer = []; // "before" values of the pages already seen, for the Newer button

  const type = select("type", "Type", TYPES, q.get("type"));
  const status = select("status", "Status", STATUSES, q.get("status"));
  const table = el("div", { class: "card table-wrap" });
  const older = el("button", { type: "button", id: "runs-older", text: "Older →" });
  const newerBtn = el("button", { type: "button", id: "runs-newer", text: "← Newer" });
  const pageInfo = el("span", { class: "muted" });
  let before = q.get("before") || "";

  function select(name, label, values, current) {
    return el("select", { name, id: "filter-" + name }, el("option", { value: "", text: "any" }),
      values.map((v) => el("option", { value: v, selected: v === current, text: v })));
  }

  function statusBadge(s) {
    return el("span", { class: "badge " + ({ SUCCEEDED: "ok", FAILED: "bad", RUNNING: "info" }[s] || ""), text: s || "?" });
  }

  function summary(run) {
    const i = run.input || {};
    if (run.type === "PARAMETER_CHANGE") return i.parameter + ": " + i.oldValue + " → " + i.newValue;
    if (run.error) return run.error;
    const o = run.output || {};
    return o.decision || o.outcome || o.label || i.key || i.trigger || "";
  }

  async function load() {
    const p = new URLSearchParams();
    if (type.value) p.set("type", type.value);
    if (status.value) p.set("status", status.value);
    if (before) p.set("before", before);
    history.replaceState(null, "", "?" + p.toString());
    p.set("limit", PAGE);
    const r = await api("/api/runs?" + p.toString());
    if (!r.ok) return message(table, (r.data && r.data.error) || "HTTP " + r.status, "error");
    const runs = r.data.runs || [];
    clear(table).appendChild(runs.length ? el("table", { id: "runs" },
      el("thead", {}, el("tr", {}, ["Started", "Type", "Status", "Duration", "Summary", "Steps"].map((h) => el("th", { text: h })))),
      el("tbody", {}, runs.map((run) => {
        const href = "/console/run.html?id=" + encodeURIComponent(run.id);
        return el("tr", { class: "clickable", dataset: { id: run.id, type: run.type }, onclick: (e) => { if (e.target.tagName !== "A") location.href = href; } },
          el("td", {}, el("a", { href, text: ML.fmtTime(run.startedAt) })),
          el("td", { text: run.type }),
          el("td", {}, statusBadge(run.status)),
          el("td", { class: "num", text: ML.fmtDuration(run.endedAt ? new Date(run.endedAt) - new Date(run.startedAt) : null) }),
          el("td", { text: String(summary(run)).slice(0, 160) }),
          el("td", { class: "num", text: (run.steps || []).length }));
      }))) : el("p", { class: "note", text: "No runs match." }));
    older.disabled = !r.data.next;
    older.onclick = () => { newer.push(before); before = r.data.next; load(); };
    newerBtn.disabled = !before;
    pageInfo.textContent = runs.length ? runs.length + " runs" + (before ? " before " + ML.fmtTime(before) : "") : "";
  }

  function reset() { before = ""; newer.length = 0; load(); }

  newerBtn.onclick = () => { before = newer.length ? newer.pop() : ""; load(); };
  type.addEventListener("change", reset);
  status.addEventListener("change", reset);

  ML.chrome("runs").then(() => {
    clear(content).append(
      el("form", { class: "filters card", onsubmit: (e) => { e.preventDefault(); reset(); } },
        el("label", {}, "Type", type), el("label", {}, "Status", status),
        el("button", { type: "submit", text: "Refresh" })),
      table, el("div", { class: "pager" }, newerBtn, older, pageInfo));
    load();
  });
})();
