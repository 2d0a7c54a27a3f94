// ModelLoop console: shared helpers for every page. No framework and no innerHTML: all text a
// user or an image file could have supplied is set with textContent, so it is never markup.
"use strict";

const ML = (() => {
  let sessionPromise = null;

  /** The signed-in user {user, role, csrf, expiresAt}; sends a signed-out visitor to sign-in. */
  function session() {
    if (!sessionPromise) {
      sessionPromise = fetch("/api/session", { credentials: "same-origin" }).then((r) => {
        if (r.status === 401) { toSignIn(); return new Promise(() => {}); }
        if (!r.ok) throw new Error("session check failed: HTTP " + r.status);
        return r.json();
      });
    }
    return sessionPromise;
  }

  function toSignIn() {
    location.href = "/signin?next=" + encodeURIComponent(location.pathname + location.search);
  }

  /**
   * Calls the JSON API. Resolves to {status, ok, data} (data = parsed JSON or null) for any HTTP
   * status, so pages can show the server's own error message; state-changing calls carry the
   * CSRF token.
   */
  async function api(path, options = {}) {
    const method = (options.method || "GET").toUpperCase();
    const headers = { Accept: "application/json" };
    let body;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    }
    if (method !== "GET" && method !== "HEAD") {
      const s = await session();
      if (s.csrf) headers["X-CSRF-Token"] = s.csrf;
    }
    const r = await fetch(path, { method, headers, body, credentials: "same-origin" });
    if (r.status === 401) { toSignIn(); return new Promise(() => {}); }
    let data = null;
    const type = r.headers.get("Content-Type") || "";
    if (type.includes("json")) {
      try { data = await r.json(); } catch (e) { data = null; }
    }
    return { status: r.status, ok: r.ok, data };
  }

  /** el("div", {class: "x", text: "y", onclick: f}, child, "text", ...) */
  function el(tag, attrs, ...children) {
    const svg = ["svg", "g", "path", "rect", "line", "circle", "text", "polyline", "title"].includes(tag);
    const e = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = String(v);
      else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  /** Shows a message (kind: ok | error | "") in a container, replacing what was there. */
  function message(container, text, kind) {
    clear(container);
    if (text) container.appendChild(el("div", { class: "message " + (kind || ""), role: kind === "error" ? "alert" : "status", text }));
  }

  const OPERATOR_PAGES = [
    ["dashboard", "Dashboard", "/console/"],
    ["parameters", "Parameters", "/console/parameters.html"],
    ["models", "Models", "/console/models.html"],
    ["runs", "Runs", "/console/runs.html"],
    ["detections", "Detections", "/console/detections.html"],
    ["notifications", "Notifications", "/console/notifications.html"],
    ["review", "Review", "/review/"],
  ];

  /** Draws the top bar for the signed-in user; resolves to the session. */
  async function chrome(active) {
    const s = await session();
    const pages = s.role === "operator" ? OPERATOR_PAGES : OPERATOR_PAGES.filter((p) => p[0] === "review");
    const nav = el("nav", { "aria-label": "Main" }, pages.map(([id, label, href]) =>
      el("a", { href, class: id === active ? "active" : null, "aria-current": id === active ? "page" : null, text: label })));
    const signOut = el("button", { type: "button", id: "signout", text: "Sign out", onclick: async () => {
      await fetch("/signout", { method: "POST", headers: { "X-CSRF-Token": s.csrf || "" }, credentials: "same-origin" });
      location.href = "/signin";
    } });
    const bar = el("div", { class: "bar" }, el("a", { class: "logo", href: "/", text: "ModelLoop" }), nav,
      el("div", { class: "who" }, el("span", { id: "whoami", text: s.user + " · " + s.role }), signOut));
    let header = document.querySelector("header.top");
    if (!header) {
      header = el("header", { class: "top" });
      document.body.insertBefore(header, document.body.firstChild);
    }
    clear(header).appendChild(bar);
    return s;
  }

  function fmtTime(iso) {
    if (!iso) return "—";
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString();
  }

  function fmtAgo(iso) {
    if (!iso) return "—";
    const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
    if (isNaN(s)) return String(iso);
    const a = Math.abs(s), w = s >= 0 ? " ago" : "";
    const t = a < 60 ? a + " s" : a < 3600 ? Math.round(a / 60) + " min" : a < 86400 ? Math.round(a / 3600) + " h" : Math.round(a / 86400) + " d";
    return s >= 0 ? t + w : "in " + t;
  }

  function fmtDuration(ms) {
    if (ms === null || ms === undefined || isNaN(ms)) return "—";
    if (ms < 1000) return Math.round(ms) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }

  function fmtNum(n, digits = 3) {
    return n === null || n === undefined || isNaN(n) ? "—" : Number(n).toFixed(digits);
  }

  /** Runs fn now and every ms while the page is visible. */
  function every(ms, fn) {
    const tick = () => { if (!document.hidden) Promise.resolve(fn()).catch((e) => console.error(e)); };
    tick();
    return setInterval(tick, ms);
  }

  return { session, api, el, clear, message, chrome, fmtTime, fmtAgo, fmtDuration, fmtNum, every };
})();
