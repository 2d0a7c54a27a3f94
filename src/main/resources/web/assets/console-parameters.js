// Parameters: the ten settings in force, edited one at a time; the server validates and its
// message is shown as it is, so the rule the operator reads is the rule that is enforced.
"use strict";

(() => {
  const { el, api, clear, message } = ML;
  const content = document.getElementById("content");

  async function load() {
    const r = await api("/api/parameters");
    if (!r.ok) {
      message(content, "Could not load the parameters: " + ((r.data && r.data.error) || "HTTP " + r.status), "error");
      return;
    }
    const rows = [];
    for (const p of r.data.parameters) rows.push(...paramRows(p));
    clear(content).append(
      el("p", { class: "muted" }, "Stored under ", el("code", { text: r.data.location }), ". A change applies at once and is recorded as a PARAMETER_CHANGE run."),
      el("div", { class: "card table-wrap" }, el("table", { id: "parameters" },
        el("thead", {}, el("tr", {}, ["Parameter", "Value", "Default", "Rule", "Meaning"].map((h) => el("th", { text: h })))),
        el("tbody", {}, rows))));
  }

  function paramRows(p) {
    const input = el("input", { name: "value", value: p.value ?? "", "aria-label": "New value of " + p.name, autocomplete: "off", spellcheck: "false" });
    const msg = el("div", { class: "param-msg", "aria-live": "polite" });
    const save = el("button", { type: "submit", class: "primary", text: "Save" });
    const form = el("form", { class: "param-edit", dataset: { param: p.name } }, input, save);
    const current = el("span", { class: "current mono", text: p.value ?? "" });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      save.disabled = true;
      try {
        const r = await api("/api/parameters/" + encodeURIComponent(p.name), { method: "PUT", body: { value: input.value } });
        if (r.ok) {
          current.textContent = r.data.value;
          input.value = r.data.value;
          message(msg, r.data.changed ? "Saved: " + p.name + " is now " + r.data.value + "." : "Unchanged: " + p.name + " already was " + r.data.value + ".", "ok");
          if (historyBox.open) loadHistory();
        } else {
          const d = r.data || {};
          message(msg, (d.error || "HTTP " + r.status) + (d.rule && !(d.error || "").includes(d.rule) ? " Rule: " + d.rule : ""), "error");
        }
      } finally {
        save.disabled = false;
      }
    });

    const historyBody = el("div", { class: "history" });
    const historyBox = el("details", { class: "param-history" }, el("summary", { text: "History" }), historyBody);
    async function loadHistory() {
      const r = await api("/api/parameters/" + encodeURIComponent(p.name) + "/history?limit=20");
      if (!r.ok) return message(historyBody, (r.data && r.data.error) || "HTTP " + r.status, "error");
      const h = r.data.history || [];
      if (!h.length) return message(historyBody, "No recorded changes.", "");
      clear(historyBody).appendChild(el("table", {},
        el("thead", {}, el("tr", {}, ["When", "Value", "By", "Source"].map((t) => el("th", { text: t })))),
        el("tbody", {}, h.map((c) => el("tr", {},
          el("td", { text: ML.fmtTime(c.changedAt), title: c.changedAt }), el("td", { class: "mono", text: c.value ?? "" }),
          el("td", { text: c.changedBy ?? "—" }), el("td", { text: c.source ?? "—" }))))));
    }
    historyBox.addEventListener("toggle", () => { if (historyBox.open) loadHistory(); });

    const invalidStored = p.valid === false && p.stored !== null && p.stored !== undefined
      ? el("div", { class: "error rule" }, "Stored value ", el("code", { text: p.stored }), " is invalid and ignored.") : null;
    return [el("tr", { id: "param-" + p.name },
      el("td", { class: "param-name" }, p.name, el("div", {}, historyBox)),
      el("td", { class: "param-value" }, el("div", { class: "muted" }, "In force: ", current), form, msg, invalidStored),
      el("td", { class: "mono", text: p.default ?? "" }),
      el("td", { class: "rule", text: p.rule ?? "" }),
      el("td", { text: p.meaning ?? "" }))];
  }

  ML.chrome("parameters").then(load);
})();
