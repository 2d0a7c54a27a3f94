// Detections: the detection records with their images, filtered like GET /api/detections and
// paged with its cursor.
"use strict";

(() => {
  const { el, api, clear, message } = ML;
  const content = document.getElementById("content");
  const PAGE = 25;
  const q = new URLSearchParams(location.search);

  const tri = (name, label) => el("label", {}, label, el("select", { name, id: "filter-" + name },
    ["", "true", "false"].map((v) => el("option", { value: v, selected: q.get(name) === v, text: v === "" ? "any" : v === "true" ? "yes" : "no" }))));
  const labelInput = el("input", { name: "label", id: "filter-label", value: q.get("label") || "", placeholder: "any", size: 12 });
  const outcome = el("select", { name: "outcome", id: "filter-outcome" },
    ["", "CLASSIFIED", "NO_MODEL", "REJECTED"].map((v) => el("option", { value: v, selected: q.get("outcome") === v, text: v || "any" })));
  const from = el("input", { type: "datetime-local", name: "from", id: "filter-from", value: toLocalInput(q.get("from")) });
  const to = el("input", { type: "datetime-local", name: "to", id: "filter-to", value: toLocalInput(q.get("to")) });
  const form = el("form", { class: "filters card", id: "detection-filters" },
    el("label", {}, "Label", labelInput), el("label", {}, "Outcome", outcome),
    tri("reviewed", "Reviewed"), tri("sampled", "Sampled"), tri("belowThreshold", "Below threshold"),
    el("label", {}, "From", from), el("label", {}, "To", to),
    el("button", { type: "submit", class: "primary", text: "Apply" }));
  const table = el("div", { class: "card table-wrap" });
  const olderBtn = el("button", { type: "button", id: "detections-older", text: "Older →" });
  const newerBtn = el("button", { type: "button", id: "detections-newer", text: "← Newer" });
  const info = el("span", { class: "muted" });
  const cursors = []; // cursors of the pages before this one
  let cursor = "";

  // datetime-local has no zone: the operator types local time, the API wants an instant
  function toLocalInput(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d)) return "";
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }

  function query() {
    const p = new URLSearchParams();
    if (labelInput.value.trim()) p.set("label", labelInput.value.trim());
    if (outcome.value) p.set("outcome", outcome.value);
    for (const n of ["reviewed", "sampled", "belowThreshold"]) {
      const v = form.elements[n].value;
      if (v) p.set(n, v);
    }
    if (from.value) p.set("from", new Date(from.value).toISOString());
    if (to.value) p.set("to", new Date(to.value).toISOString());
    return p;
  }

  function outcomeBadge(o) {
    return el("span", { class: "badge " + ({ CLASSIFIED: "ok", NO_MODEL: "", REJECTED: "bad" }[o] || ""), text: o || "?" });
  }

  // Classification.Reason names, in words
  const REASONS = { UNFAMILIAR: "unfamiliar", LOW_MARGIN: "between labels", NO_LABEL: "no label" };

  function confidenceTitle(d, below) {
    const parts = [];
    if (below) parts.push("below the threshold " + d.threshold);
    if (d.classProbability !== undefined) parts.push("class probability " + ML.fmtNum(d.classProbability, 1));
    if (d.familiarity !== undefined) parts.push("familiarity " + ML.fmtNum(d.familiarity, 0) + " / 100");
    return parts.length ? parts.join(" · ") : null;
  }

  function row(d) {
    const img = el("img", { class: "thumb", loading: "lazy", alt: d.key || d.id, src: "/api/detections/" + encodeURIComponent(d.id) + "/image" });
    // a missing object leaves an empty box rather than the broken-image icon
    img.addEventListener("error", () => { img.removeAttribute("src"); img.alt = "image gone"; });
    const below = d.confidence !== undefined && d.threshold !== undefined && d.confidence < d.threshold;
    return el("tr", { dataset: { id: d.id } },
      el("td", {}, el("a", { href: "/api/detections/" + encodeURIComponent(d.id) + "/image", target: "_blank", rel: "noopener" }, img)),
      el("td", { class: "nowrap", text: ML.fmtTime(d.detectedAt), title: d.detectedAt }),
      el("td", { class: "key mono", text: d.key || "" }),
      el("td", {}, outcomeBadge(d.outcome), d.reason ? el("div", { class: "muted", text: d.reason }) : null),
      el("td", { class: "nowrap", text: d.label || "—" }),
      el("td", { class: "num" + (below ? " warn" : ""), title: confidenceTitle(d, below) },
        d.confidence === undefined ? "—" : ML.fmtNum(d.confidence, 1),
        below && REASONS[d.confidenceReason] ? el("div", { class: "muted reason", text: REASONS[d.confidenceReason] }) : null),
      el("td", { text: d.humanLabel || (d.humanLoopName ? "waiting" : "—") }),
      el("td", {}, d.sampled ? el("span", { class: "badge info", text: "sampled" }) : null,
        d.agreement === true ? el("span", { class: "badge ok", text: "agreed" }) : d.agreement === false ? el("span", { class: "badge bad", text: "disagreed" }) : null),
      el("td", { class: "mono muted", text: d.modelVersion ? d.modelVersion.split("/").slice(-2).join("/") : "—" }));
  }

  async function load() {
    const p = query();
    history.replaceState(null, "", "?" + p.toString());
    p.set("limit", PAGE);
    if (cursor) p.set("cursor", cursor);
    const r = await api("/api/detections?" + p.toString());
    if (!r.ok) return message(table, ((r.data && r.data.error) || "HTTP " + r.status) + (r.data && r.data.usage ? " — " + r.data.usage : ""), "error");
    const list = r.data.detections || [];
    clear(table).appendChild(list.length ? el("table", { id: "detections" },
      el("thead", {}, el("tr", {}, ["Image", "Detected", "Key", "Outcome", "Label", "Confidence", "Human label", "Sampling", "Model"].map((h) => el("th", { text: h })))),
      el("tbody", {}, list.map(row))) : el("p", { class: "note", text: "No detections match." }));
    olderBtn.disabled = !r.data.next;
    olderBtn.onclick = () => { cursors.push(cursor); cursor = r.data.next; load(); };
    newerBtn.disabled = !cursors.length;
    info.textContent = list.length ? "page " + (cursors.length + 1) + " · " + list.length + " detections" : "";
  }

  newerBtn.onclick = () => { cursor = cursors.pop() || ""; load(); };
  form.addEventListener("submit", (e) => { e.preventDefault(); cursor = ""; cursors.length = 0; load(); });

  ML.chrome("detections").then(() => {
    clear(content).append(form, table, el("div", { class: "pager" }, newerBtn, olderBtn, info));
    load();
  });
})();
