// One run drawn like a state machine's execution view: its steps in order as boxes on a vertical
// line, coloured by status, each with its timing and its data as JSON text.
"use strict";

(() => {
  const { el, api, clear, message } = ML;
  const content = document.getElementById("content");
  const id = new URLSearchParams(location.search).get("id");
  const STEP_KNOWN = new Set(["name", "status", "startedAt", "endedAt", "durationMs"]);
  let timer = null;
  const openSteps = new Set(); // which step details the operator opened survive a refresh

  function badge(s) {
    return el("span", { class: "badge " + ({ SUCCEEDED: "ok", FAILED: "bad", RUNNING: "info" }[s] || ""), text: s || "?" });
  }

  function json(value) {
    return el("pre", { class: "json", text: JSON.stringify(value, null, 2) });
  }

  function ms(a, b) {
    return a && b ? new Date(b) - new Date(a) : null;
  }

  function stepBox(step, index, run) {
    const dur = step.durationMs ?? ms(step.startedAt, step.endedAt);
    const total = ms(run.startedAt, run.endedAt || new Date().toISOString()) || 1;
    const offset = ms(run.startedAt, step.startedAt) || 0;
    const bar = el("span", {});
    // where in the run this step ran, as a share of the run's time
    bar.style.marginLeft = Math.min(100, (offset / total) * 100) + "%";
    bar.style.width = Math.max(1, Math.min(100, ((dur ?? (Date.now() - new Date(step.startedAt))) / total) * 100)) + "%";
    const extra = Object.fromEntries(Object.entries(step).filter(([k]) => !STEP_KNOWN.has(k)));
    const key = index + ":" + step.name;
    const details = Object.keys(extra).length ? el("details", { open: openSteps.has(key) }, el("summary", { text: "Input / output" }),
      Object.entries(extra).map(([k, v]) => el("div", {}, el("div", { class: "muted", text: k }), typeof v === "string" ? el("pre", { class: "json", text: v }) : json(v)))) : null;
    if (details) details.addEventListener("toggle", () => (details.open ? openSteps.add(key) : openSteps.delete(key)));
    return el("li", { class: step.status || "" }, el("div", { class: "step " + (step.status || ""), dataset: { step: step.name } },
      el("div", { class: "step-head" }, el("span", { class: "step-name", text: step.name }), badge(step.status),
        el("span", { class: "step-times", text: ML.fmtTime(step.startedAt) + " · " + (dur === null ? "running" : ML.fmtDuration(dur)) })),
      el("div", { class: "durbar", title: "when this step ran within the run" }, bar),
      details));
  }

  function section(title, value) {
    if (value === null || value === undefined || (typeof value === "object" && !Object.keys(value).length)) return null;
    return el("section", { class: "card" }, el("h2", { text: title }), typeof value === "string" ? el("pre", { class: "json", text: value }) : json(value));
  }

  async function load() {
    if (!id) return message(content, "No run id given: open a run from the runs list.", "error");
    const r = await api("/api/runs/" + encodeURIComponent(id));
    if (!r.ok) {
      clearInterval(timer);
      return message(content, (r.data && r.data.error) || "HTTP " + r.status, "error");
    }
    const run = r.data;
    document.querySelector("h1").textContent = run.type + " run";
    const steps = run.steps || [];
    // native append would print a null as the text "null"
    clear(content).append(...[
      el("p", {}, el("a", { href: "/console/runs.html", text: "← All runs" })),
      el("section", { class: "card" }, el("dl", { class: "facts", id: "run-facts" },
        el("dt", { text: "Id" }), el("dd", { class: "mono", text: run.id }),
        el("dt", { text: "Status" }), el("dd", {}, badge(run.status)),
        el("dt", { text: "Started" }), el("dd", { text: ML.fmtTime(run.startedAt) }),
        el("dt", { text: "Ended" }), el("dd", { text: run.endedAt ? ML.fmtTime(run.endedAt) : "still running" }),
        el("dt", { text: "Duration" }), el("dd", { text: ML.fmtDuration(ms(run.startedAt, run.endedAt)) }))),
      run.error ? el("div", { class: "message error", role: "alert", id: "run-error", text: run.error }) : null,
      el("section", { class: "card" }, el("h2", { text: "Steps" }), steps.length
        ? el("ol", { class: "timeline", id: "timeline" }, steps.map((s, i) => stepBox(s, i, run)))
        : el("p", { class: "note", text: "This run recorded no steps." })),
      el("div", { class: "grid wide" }, section("Input", run.input), section("Output", run.output))].filter(Boolean));
    if (run.status !== "RUNNING") clearInterval(timer);
  }

  ML.chrome("runs").then(() => { timer = ML.every(3000, load); });
})();
