// Notifications: what the application announced, newest first, refreshed while the page is open.
"use strict";

(() => {
  const { el, api, clear, message } = ML;
  const content = document.getElementById("content");
  const feed = el("ul", { class: "feed", id: "feed" });
  const box = el("section", { class: "card" }, feed);
  const more = el("button", { type: "button", id: "notifications-more", text: "Older" });
  let before = null; // set once the operator pages back; auto-refresh then leaves the list alone

  function kind(type) {
    const t = String(type || "").toLowerCase();
    if (/(fail|error|invalid|reject)/.test(t)) return "bad";
    if (/(warn|cancel|below|low)/.test(t)) return "warn";
    if (/(deploy|succe|complete|started|running)/.test(t)) return "ok";
    return "info";
  }

  function item(n) {
    const empty = n.details === undefined || n.details === null || (typeof n.details === "object" && !Object.keys(n.details).length);
    const details = empty ? null
      : el("details", {}, el("summary", { text: "Details" }), el("pre", { class: "json", text: typeof n.details === "string" ? n.details : JSON.stringify(n.details, null, 2) }));
    return el("li", {}, el("div", { class: "feed-head" }, el("span", { class: "badge " + kind(n.type), text: n.type || "notification" }),
      el("span", { class: "muted", title: n.at, text: ML.fmtTime(n.at) + " · " + ML.fmtAgo(n.at) })),
      el("div", { class: "feed-msg", text: n.message || n.subject || "" }), details);
  }

  async function load(append) {
    const p = new URLSearchParams({ limit: 50 });
    if (append && before) p.set("before", before);
    const r = await api("/api/notifications?" + p.toString());
    if (!r.ok) return message(box, (r.data && r.data.error) || "HTTP " + r.status, "error");
    const list = r.data.notifications || [];
    if (!append) clear(feed);
    if (box.firstChild !== feed) clear(box).appendChild(feed);
    feed.append(...list.map(item));
    if (!feed.firstChild) feed.appendChild(el("li", { class: "note", text: "Nothing has been notified yet." }));
    before = r.data.next || null;
    more.disabled = !before;
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  }

  let paged = false;
  more.onclick = () => { paged = true; load(true); };

  ML.chrome("notifications").then(() => {
    clear(content).append(box, el("div", { class: "pager" }, more));
    ML.every(10000, () => (paged ? null : load(false)));
  });
})();
