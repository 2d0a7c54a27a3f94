// Models: every version with its F1, the serving one marked, a chosen version's per-label metrics
// and confusion matrix, and the training in progress followed live.
"use strict";

(() => {
  const { el, api, clear, message } = ML;
  const content = document.getElementById("content");
  let selected = new URLSearchParams(location.search).get("version");
  let timer = null;
  let pollMs = 0;

  const actionMsg = el("div", { id: "action-message", "aria-live": "polite" });
  const checkBtn = el("button", { type: "button", class: "primary", id: "check-training", text: "Check training now" });
  const cancelBtn = el("button", { type: "button", class: "danger", id: "cancel-training", text: "Cancel training" });
  const summary = el("div", { class: "grid" });
  const progress = el("section", { class: "card hidden", id: "training-progress" });
  const versions = el("section", { class: "card table-wrap" });
  const detail = el("div", { id: "version-detail" });

  function statusBadge(s) {
    const cls = { RUNNING: "ok", TRAINING_COMPLETED: "info", STOPPED: "", TRAINING_FAILED: "bad", TRAINING_IN_PROGRESS: "warn", STARTING: "warn", STOPPING: "warn" }[s];
    return el("span", { class: "badge " + (cls || ""), text: s || "?" });
  }

  function stat(value, label) {
    return el("div", { class: "card stat" }, el("div", { class: "value small", text: value }), el("div", { class: "label", text: label }));
  }

  async function act(path, label) {
    checkBtn.disabled = cancelBtn.disabled = true;
    message(actionMsg, label + "…", "");
    try {
      const r = await api(path, { method: "POST" });
      const d = r.data || {};
      const text = d.message || d.error || (d.output && d.output.decision) || d.status || "HTTP " + r.status;
      message(actionMsg, label + ": " + text, r.ok ? "ok" : "error");
    } finally {
      checkBtn.disabled = false;
      await load();
    }
  }
  checkBtn.onclick = () => act("/api/training/check", "Training check");
  cancelBtn.onclick = () => { if (confirm("Cancel the training in progress?")) act("/api/training/cancel", "Cancel"); };

  function showProgress(data) {
    const t = data.trainingInProgress;
    progress.classList.toggle("hidden", !t);
    cancelBtn.disabled = !t;
    if (!t) return;
    const v = (data.versions || []).find((x) => x.id === t.modelVersion) || {};
    const p = v.progress;
    const bar = el("span", {});
    bar.style.width = p && p.epochs ? Math.round((p.epoch / p.epochs) * 100) + "%" : "0%";
    clear(progress).append(el("h2", { text: "Training in progress" }),
      el("div", {}, "Version ", el("strong", { text: t.versionName || t.modelVersion || "(being created)" }),
        " · phase " + (t.phase || "?") + " · " + t.imageCount + " images · started " + ML.fmtAgo(t.startedAt)),
      el("div", { class: "progress", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": p ? p.epochs : 0, "aria-valuenow": p ? p.epoch : 0 }, bar),
      el("div", { class: "muted", id: "progress-text", text: p ? "epoch " + p.epoch + " / " + p.epochs + " · loss " + ML.fmtNum(p.loss, 4) : "waiting for the first epoch" }));
  }

  function showVersions(data) {
    const list = data.versions || [];
    if (!selected || !list.some((v) => v.id === selected)) selected = (list.find((v) => v.serving) || list[0] || {}).id;
    clear(versions).append(...[el("h2", { text: "Versions" }), data.versionsError ? el("div", { class: "message error", text: data.versionsError }) : null,
      list.length ? el("table", { id: "versions" },
        el("thead", {}, el("tr", {}, ["Version", "Status", "F1", "Deployment gate", "Train / test images", "Held-out below 70", "Created", ""].map((h) => el("th", { text: h })))),
        el("tbody", {}, list.map((v) => el("tr", { class: "clickable" + (v.id === selected ? " selected" : ""), dataset: { id: v.id },
          onclick: () => { selected = v.id; history.replaceState(null, "", "?version=" + encodeURIComponent(v.id)); showVersions(data); } },
          el("td", {}, el("div", { text: v.name || v.id }), v.name && v.name !== v.id ? el("div", { class: "muted mono", text: v.id }) : null),
          el("td", {}, statusBadge(v.status), v.statusMessage ? el("div", { class: "muted", text: v.statusMessage }) : null,
            v.backboneFallback ? el("div", { class: "message error backbone-fallback", text: "Trained without its pretrained backbone: " + v.backboneFallback }) : null),
          el("td", { class: "num", text: ML.fmtNum(v.f1) }),
          gateCell(v.gate),
          el("td", { class: "num", text: (v.trainingImages ?? "—") + " / " + (v.testImages ?? "—") }),
          el("td", { class: "num calibration-share", title: v.calibration ? v.calibration.method : null,
            text: v.calibration && v.calibration.heldOutBelow70 != null ? pct(v.calibration.heldOutBelow70) + " of " + v.calibration.images : "—" }),
          el("td", { text: ML.fmtTime(v.createdAt) }),
          el("td", {}, v.serving ? el("span", { class: "badge ok serving", text: "serving" }) : null)))))
        : el("p", { class: "note", text: "No model versions yet. Put labeled images in the label folders and check training." })].filter(Boolean));
    showDetail(list.find((v) => v.id === selected));
  }

  // the deployment gate's decision (SPEC 4.4 step 5): which rule decided, candidate vs serving on the shared labels
  function gateCell(g) {
    if (!g) return el("td", { class: "gate muted", text: "—" });
    const rules = { "minimum-f1": "Minimum-F1-Score", challenger: "vs serving", "new-label-f1": "new-label F1" };
    const ok = g.decision === "deploy";
    const lines = [el("span", { class: "badge " + (ok ? "ok" : "bad"), text: (ok ? "deployed" : "rejected") + " · " + (rules[g.rule] || g.rule) })];
    if (g.candidateSharedF1 != null && g.servingSharedF1 != null) {
      lines.push(el("div", { class: "muted", text: "shared labels: " + ML.fmtNum(g.candidateSharedF1) + " vs serving "
        + ML.fmtNum(g.servingSharedF1) + (g.sameImages ? " on " + g.images + " held-out images" : " (each on its own test split)") }));
    } else if (g.rule === "minimum-f1") {
      lines.push(el("div", { class: "muted", text: "F1 " + ML.fmtNum(g.f1) + ", minimum " + ML.fmtNum(g.minimum) }));
    }
    if (g.candidateNewLabelsF1 != null) {
      lines.push(el("div", { class: "muted", text: "new labels (" + (g.newLabels || []).join(", ") + "): " + ML.fmtNum(g.candidateNewLabelsF1) }));
    }
    return el("td", { class: "gate", title: g.reason || "" }, ...lines);
  }

  function showDetail(v) {
    clear(detail);
    if (!v) return;
    const labels = Object.keys(v.perLabel || {}).sort();
    const metrics = el("section", { class: "card table-wrap" }, el("h2", { text: "Per label: " + (v.name || v.id) }), labels.length
      ? el("table", { id: "per-label" }, el("thead", {}, el("tr", {}, ["Label", "Precision", "Recall", "F1", "Test images"].map((h, i) => el("th", { class: i ? "num" : null, text: h })))),
        el("tbody", {}, labels.map((l) => {
          const m = v.perLabel[l];
          return el("tr", {}, el("td", { text: l }), el("td", { class: "num", text: ML.fmtNum(m.precision) }),
            el("td", { class: "num", text: ML.fmtNum(m.recall) }), el("td", { class: "num", text: ML.fmtNum(m.f1) }), el("td", { class: "num", text: m.support }));
        })))
      : el("p", { class: "note", text: "No evaluation for this version." }));
    detail.appendChild(el("div", { class: "grid wide" }, metrics, confusion(v)));
    detail.appendChild(calibration(v));
  }

  // a share 0-1 as a whole percentage
  function pct(x) {
    return x == null ? "—" : ML.fmtNum(x * 100, 0) + " %";
  }

  /** How the version's confidence was calibrated on its own held-out images (ModelVersion.Calibration). */
  function calibration(v) {
    const c = v.calibration;
    const card = el("section", { class: "card", id: "calibration" }, el("h2", { text: "Confidence calibration: " + (v.name || v.id) }));
    if (!c) {
      card.appendChild(el("p", { class: "note", text: "Not recorded for this version (only the built-in backend "
        + "calibrates its confidence on held-out images)." }));
      return card;
    }
    const rows = [
      ["Method", c.method || "—"],
      ["Held-out images", String(c.images)],
      ["Held-out images below 70", pct(c.heldOutBelow70)
        + " (images like the training set that would still go to review at threshold 70)"],
      ["Below 70 on familiarity alone", pct(c.heldOutUnfamiliarBelow70)],
      ["Expected calibration error", c.expectedCalibrationError == null ? "—"
        : ML.fmtNum(c.expectedCalibrationError * 100, 1) + " % (how far class probability is from the real hit rate; lower is better)"],
      ["Temperature", c.temperature == null ? "—" : ML.fmtNum(c.temperature, 2)],
    ];
    card.appendChild(el("dl", { class: "facts" }, rows.flatMap(([k, val]) => [el("dt", { text: k }), el("dd", { text: val })])));
    return card;
  }

  function confusion(v) {
    const c = v.confusion;
    if (!c || !Object.keys(c).length) return el("section", { class: "card" }, el("h2", { text: "Confusion matrix" }),
      el("p", { class: "note", text: "Only the built-in backend reports a confusion matrix." }));
    const truths = Object.keys(c).sort();
    const preds = [...new Set([...truths, ...truths.flatMap((t) => Object.keys(c[t]))])].sort();
    const max = Math.max(1, ...truths.flatMap((t) => preds.map((p) => c[t][p] || 0)));
    return el("section", { class: "card table-wrap" }, el("h2", { text: "Confusion matrix" }),
      el("table", { class: "confusion", id: "confusion" },
        el("thead", {}, el("tr", {}, el("th", { text: "true ↓ / predicted →" }), preds.map((p) => el("th", { text: p })))),
        el("tbody", {}, truths.map((t) => el("tr", {}, el("th", { text: t }), preds.map((p) => {
          const n = c[t][p] || 0;
          const td = el("td", { class: t === p ? "diag" : null, text: n });
          // shade by count: green on the diagonal (right), red off it (mistakes)
          if (n) td.style.background = (t === p ? "rgba(22,163,74," : "rgba(220,38,38,") + (0.12 + 0.6 * (n / max)).toFixed(2) + ")";
          return td;
        }))))));
  }

  async function load() {
    const r = await api("/api/models");
    if (!r.ok) return message(versions, (r.data && r.data.error) || "HTTP " + r.status, "error");
    const d = r.data;
    const serving = (d.versions || []).find((v) => v.serving);
    clear(summary).append(stat(d.serving ? (serving && serving.name) || d.serving : "none", "Serving"),
      stat(ML.fmtNum(serving ? serving.f1 : null), "Serving F1"), stat(d.backend, "Backend"),
      stat(String(d.trainedImageCount ?? 0), "Images in the last successful training"));
    showProgress(d);
    showVersions(d);
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
    // poll fast only while something trains
    const want = d.trainingInProgress ? 2000 : 15000;
    if (want !== pollMs) { clearInterval(timer); pollMs = want; timer = setInterval(() => { if (!document.hidden) load(); }, want); }
  }

  ML.chrome("models").then(() => {
    clear(content).append(el("div", { class: "actions card" }, checkBtn, cancelBtn, actionMsg), summary, progress, versions, detail);
    load();
  });
})();
