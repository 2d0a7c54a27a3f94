// Dashboard: what serves, what waits for people, what was detected today, and three charts.
"use strict";

(() => {
  const { el, api, clear } = ML;
  const OUTCOMES = ["CLASSIFIED", "NO_MODEL", "REJECTED"];
  const content = document.getElementById("content");
  let built = null;

  function stat(id, label) {
    const value = el("div", { class: "value", id: "stat-" + id, text: "—" });
    const sub = el("div", { class: "sub", id: "stat-" + id + "-sub" });
    return { card: el("div", { class: "card stat" }, value, el("div", { class: "label", text: label }), sub), value, sub };
  }

  function chartCard(id, title) {
    const body = el("div", { id: "chart-" + id });
    return { card: el("section", { class: "card" }, el("h2", { text: title }), body), body };
  }

  function build() {
    const s = {
      model: stat("model", "Model serving"),
      reviews: stat("reviews", "Open reviews"),
      today: stat("today", "Detections today"),
      agreement: stat("agreement", "Agreement from sampling"),
      training: stat("training", "Next training check"),
    };
    const c = {
      f1: chartCard("f1", "F1 per model version"),
      hourly: chartCard("hourly", "Detections per hour (last 24 h)"),
      confidence: chartCard("confidence", "Confidence (last 24 h)"),
    };
    clear(content).append(
      el("div", { class: "grid" }, Object.values(s).map((x) => x.card)),
      el("div", { class: "grid charts" }, Object.values(c).map((x) => x.card)));
    return { s, c };
  }

  function set(st, value, sub, cls) {
    st.value.textContent = value;
    st.value.className = "value" + (cls ? " " + cls : "");
    st.sub.textContent = sub || "";
  }

  function startOfToday() {
    const d = new Date();
    d.setHours(0, 0, 0, 0);
    return d.toISOString();
  }

  async function refresh() {
    const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
    const [status, models, reviews, today, all, hourly, conf] = await Promise.all([
      api("/api/status"), api("/api/models"), api("/api/reviews?limit=1"),
      api("/api/detections/stats?since=" + encodeURIComponent(startOfToday())), api("/api/detections/stats"),
      api("/api/detections/hourly?since=" + encodeURIComponent(since)),
      api("/api/detections/confidence?since=" + encodeURIComponent(since) + "&bins=20"),
    ]);
    if (!built) built = build();
    const { s, c } = built;
    const params = (status.ok && status.data.parameters) || {};

    if (models.ok) {
      const serving = (models.data.versions || []).find((v) => v.serving);
      if (models.data.serving) {
        set(s.model, serving && serving.name ? serving.name : models.data.serving,
          "F1 " + ML.fmtNum(serving ? serving.f1 : null) + " · " + models.data.backend + " backend", "small");
      } else {
        set(s.model, "none", "no model is serving yet · " + models.data.backend + " backend", "small");
      }
      if (models.data.trainingInProgress) s.model.sub.textContent += " · training in progress";
      // a version trained without the pretrained backbone it was configured with says so here too
      const newest = (models.data.versions || [])[0];
      const fallback = [serving, newest].find((v) => v && v.backboneFallback);
      let warning = document.getElementById("stat-model-fallback");
      if (fallback) {
        if (!warning) {
          warning = el("div", { class: "message error backbone-fallback", id: "stat-model-fallback" });
          s.model.card.append(warning);
        }
        warning.textContent = (fallback.name || fallback.id) + " was trained without its pretrained backbone: " + fallback.backboneFallback;
      } else if (warning) {
        warning.remove();
      }
      c.f1.body.replaceChildren(Charts.line((models.data.versions || []).map((v) => ({ x: new Date(v.createdAt), y: v.f1, label: v.name || v.id })),
        { title: "F1 per model version", threshold: params["Minimum-F1-Score"] !== undefined ? Number(params["Minimum-F1-Score"]) : null }));
    } else {
      set(s.model, "?", errorText(models));
    }

    if (reviews.ok) set(s.reviews, String(reviews.data.count), reviews.data.count ? "waiting for a reviewer" : "queue is empty");
    else set(s.reviews, "—", reviews.status === 404 ? "reviews happen in A2I" : errorText(reviews));

    if (today.ok) {
      const by = today.data.byOutcome || {};
      set(s.today, String(today.data.total), OUTCOMES.map((o) => o.toLowerCase().replace("_", " ") + " " + (by[o] || 0)).join(" · "));
    } else set(s.today, "?", errorText(today));

    if (all.ok) {
      const a = all.data.agreement;
      set(s.agreement, a === null || a === undefined ? "—" : Math.round(a * 100) + " %",
        all.data.samplesAnswered + " answered of " + all.data.sampled + " sampled", a !== null && a !== undefined && a < 0.8 ? "warn" : "");
    } else set(s.agreement, "?", errorText(all));

    const t = status.ok && status.data.timers ? status.data.timers["training-check"] : null;
    if (t) set(s.training, t.running && t.nextFire ? ML.fmtAgo(t.nextFire) : "paused", t.running && t.nextFire ? ML.fmtTime(t.nextFire) + " · every " + t.everyMinutes + " min" : "Enable-Automatic-Training is off", "small");
    else set(s.training, "?", errorText(status));

    if (hourly.ok) {
      const rows = (hourly.data.hours || []).map((h) => {
        const d = new Date(h.hour);
        return { label: d.toLocaleString(), short: d.getHours() + "h", values: h };
      });
      c.hourly.body.replaceChildren(Charts.stackedBars(rows, OUTCOMES, { title: "Detections per hour by outcome" }),
        Charts.legend(OUTCOMES.map((o) => ["series-" + o, o])));
    } else failed(c.hourly.body, hourly);

    if (conf.ok) {
      c.confidence.body.replaceChildren(Charts.histogram(conf.data.bins || [], conf.data.threshold, { title: "Confidence histogram" }),
        Charts.legend([["bin below", "below the threshold (to review)"], ["bin", "at or above"]]),
        el("div", { class: "muted", text: conf.data.total + " classified detections" }));
    } else failed(c.confidence.body, conf);

    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  }

  function errorText(r) {
    return (r.data && r.data.error) || "HTTP " + r.status;
  }

  // one chart failing to load says so in its own box; the rest of the dashboard still shows
  function failed(body, r) {
    body.replaceChildren(el("p", { class: "note", text: "Could not load: " + errorText(r) }));
  }

  ML.chrome("dashboard").then(() => ML.every(10000, refresh));
})();
