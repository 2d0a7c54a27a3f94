// Small SVG charts for the console, drawn with ML.el: no chart library, so nothing is loaded from
// a CDN and the Content-Security-Policy stays 'self' only. Every label goes in as text.
"use strict";

const Charts = (() => {
  const W = 440, H = 220, PAD = { l: 40, r: 10, t: 12, b: 34 };
  const el = ML.el;

  function frame(title) {
    return el("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title }, el("title", { text: title }));
  }

  function axes(svg, yMax, yTicks, fmt) {
    const g = el("g", {});
    for (let i = 0; i <= yTicks; i++) {
      const v = (yMax * i) / yTicks, y = yPos(v, yMax);
      g.appendChild(el("line", { class: "axis", x1: PAD.l, x2: W - PAD.r, y1: y, y2: y }));
      g.appendChild(el("text", { x: PAD.l - 6, y: y + 4, "text-anchor": "end", text: fmt(v) }));
    }
    svg.appendChild(g);
  }

  function yPos(v, yMax) {
    return H - PAD.b - (yMax > 0 ? (v / yMax) * (H - PAD.t - PAD.b) : 0);
  }

  function empty(svg, text) {
    svg.appendChild(el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty", text }));
    return svg;
  }

  /** points: [{x: Date, y: number 0..1, label}] drawn as a line with dots, y axis 0..1. */
  function line(points, { title = "", threshold = null } = {}) {
    const svg = frame(title);
    axes(svg, 1, 4, (v) => v.toFixed(2));
    const pts = points.filter((p) => p.y !== null && p.y !== undefined && !isNaN(p.y) && p.x instanceof Date && !isNaN(p.x));
    if (!pts.length) return empty(svg, "no evaluated model versions yet");
    pts.sort((a, b) => a.x - b.x);
    const t0 = pts[0].x.getTime(), t1 = pts[pts.length - 1].x.getTime();
    const span = Math.max(t1 - t0, 1);
    // one point sits in the middle rather than on the axis
    const xPos = (d) => (pts.length === 1 ? (PAD.l + W - PAD.r) / 2 : PAD.l + 10 + ((d.getTime() - t0) / span) * (W - PAD.l - PAD.r - 20));
    if (threshold !== null && threshold !== undefined) {
      const y = yPos(threshold, 1);
      svg.appendChild(el("line", { class: "threshold", x1: PAD.l, x2: W - PAD.r, y1: y, y2: y }));
      svg.appendChild(el("text", { x: W - PAD.r, y: y - 4, "text-anchor": "end", class: "threshold-label", text: "Minimum-F1-Score " + threshold }));
    }
    svg.appendChild(el("polyline", { class: "series", points: pts.map((p) => xPos(p.x) + "," + yPos(p.y, 1)).join(" ") }));
    for (const p of pts) {
      svg.appendChild(el("circle", { class: "dot", cx: xPos(p.x), cy: yPos(p.y, 1), r: 4 },
        el("title", { text: (p.label || "") + " F1 " + p.y.toFixed(3) + " · " + p.x.toLocaleString() })));
    }
    svg.appendChild(el("text", { x: PAD.l, y: H - 8, text: pts[0].x.toLocaleDateString() }));
    if (pts.length > 1) svg.appendChild(el("text", { x: W - PAD.r, y: H - 8, "text-anchor": "end", text: pts[pts.length - 1].x.toLocaleDateString() }));
    return svg;
  }

  /** rows: [{label, values: {key: n}}]; keys in stacking order, each with a CSS class series-KEY. */
  function stackedBars(rows, keys, { title = "" } = {}) {
    const svg = frame(title);
    const total = (r) => keys.reduce((s, k) => s + (Number(r.values[k]) || 0), 0);
    const yMax = niceMax(Math.max(0, ...rows.map(total)));
    axes(svg, yMax, 4, (v) => String(Math.round(v)));
    if (!rows.length || yMax === 0) return empty(svg, "no detections in this period");
    const slot = (W - PAD.l - PAD.r) / rows.length, bw = Math.max(2, slot * 0.7);
    rows.forEach((r, i) => {
      let acc = 0;
      const x = PAD.l + i * slot + (slot - bw) / 2;
      for (const k of keys) {
        const n = Number(r.values[k]) || 0;
        if (!n) continue;
        const y1 = yPos(acc, yMax), y2 = yPos(acc + n, yMax);
        svg.appendChild(el("rect", { class: "series-" + k, x, y: y2, width: bw, height: Math.max(0, y1 - y2) },
          el("title", { text: r.label + " · " + k + ": " + n })));
        acc += n;
      }
      // label every few bars so they never overlap
      if (i % Math.ceil(rows.length / 8) === 0) svg.appendChild(el("text", { x: x + bw / 2, y: H - 14, "text-anchor": "middle", text: r.short || r.label }));
    });
    return svg;
  }

  /** bins: [{from, to, count}] over 0..100; the threshold drawn as a marked vertical line. */
  function histogram(bins, threshold, { title = "" } = {}) {
    const svg = frame(title);
    const yMax = niceMax(Math.max(0, ...bins.map((b) => b.count || 0)));
    axes(svg, yMax, 4, (v) => String(Math.round(v)));
    const lo = bins.length ? Math.min(...bins.map((b) => b.from)) : 0;
    const hi = bins.length ? Math.max(...bins.map((b) => b.to)) : 100;
    const xPos = (v) => PAD.l + ((v - lo) / Math.max(hi - lo, 1e-9)) * (W - PAD.l - PAD.r);
    for (const b of bins) {
      const x1 = xPos(b.from), x2 = xPos(b.to), y = yPos(b.count || 0, yMax);
      const below = threshold !== null && threshold !== undefined && b.to <= threshold;
      svg.appendChild(el("rect", { class: below ? "bin below" : "bin", x: x1 + 1, y, width: Math.max(1, x2 - x1 - 2), height: H - PAD.b - y },
        el("title", { text: b.from + "–" + b.to + ": " + b.count })));
    }
    for (const v of [lo, (lo + hi) / 2, hi]) svg.appendChild(el("text", { x: xPos(v), y: H - 14, "text-anchor": "middle", text: String(Math.round(v)) }));
    if (threshold !== null && threshold !== undefined) {
      const x = xPos(threshold);
      svg.appendChild(el("line", { class: "threshold", x1: x, x2: x, y1: PAD.t, y2: H - PAD.b }));
      // near the right edge the label goes on the line's left so that it is not cut off
      const right = x > W - PAD.r - 80;
      svg.appendChild(el("text", { x: right ? x - 4 : x + 4, y: PAD.t + 10, "text-anchor": right ? "end" : "start",
        class: "threshold-label", text: "threshold " + threshold }));
    }
    if (!bins.some((b) => b.count)) empty(svg, "no classified detections in this period");
    return svg;
  }

  // four whole-number steps, so count axes never show 1.25 rounded to 1
  function niceMax(n) {
    if (n <= 0) return 0;
    const raw = n / 4, p = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = Math.max(1, [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw));
    return step * 4;
  }

  /** A legend of coloured keys below a chart. */
  function legend(entries) {
    return el("div", { class: "legend" }, entries.map(([cls, text]) => el("span", {}, el("i", { class: "swatch " + cls }), text)));
  }

  return { line, stackedBars, histogram, legend };
})();
