// Review page: one open human loop at a time, answered with the mouse or the keyboard.
// Everything the server sends (labels, keys, messages) is set as text, never markup.
"use strict";

(() => {
  const NONE = "None of the Above";
  // the same rule as BuiltinReviewService.validLabel, so most mistakes are caught before a round trip
  const LABEL = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$/;
  const EMPTY_RECHECK_MS = 5000;
  const QUEUE_REFRESH_MS = 10000;

  const $ = (id) => document.getElementById(id);
  const state = {
    session: null,
    loop: null,          // the loop shown, as GET /api/reviews/{loop} or POST /api/reviews/next returns it
    picked: null,        // label of the picked choice button; null = the new-label input (if filled)
    skipped: [],         // loops skipped on this page, so that "next" does not hand them straight back
    showDetected: true,
    busy: false,
    emptyTimer: null,
  };

  function fileName(uri) {
    const s = String(uri || "");
    return s.slice(s.lastIndexOf("/") + 1) || s;
  }

  function show(which) {
    $("current").classList.toggle("hidden", which !== "current");
    $("figure").classList.toggle("hidden", which !== "current");
    $("empty").classList.toggle("hidden", which !== "empty");
  }

  function notice(text, kind) {
    ML.message($("notice"), text, kind);
  }

  // --- queue -------------------------------------------------------------------------------

  async function refreshQueue() {
    const r = await ML.api("/api/reviews?limit=10");
    if (!r.ok) {
      $("queue-count").textContent = "?";
      ML.message($("queue"), (r.data && r.data.error) || "The queue cannot be read (HTTP " + r.status + ")", "error");
      return null;
    }
    state.showDetected = r.data.showDetectedLabel !== false;
    $("queue-count").textContent = String(r.data.count);
    const list = ML.clear($("queue"));
    for (const l of r.data.loops) {
      const current = state.loop && state.loop.name === l.name;
      list.appendChild(ML.el("li", { class: current ? "current" : null, "aria-current": current ? "true" : null },
        ML.el("span", { class: "mono name", text: fileName(l.imageUri) }),
        ML.el("span", { class: "muted", text: ML.fmtAgo(l.createdAt) })));
    }
    if (r.data.count > r.data.loops.length) {
      list.appendChild(ML.el("li", { class: "muted", text: "… and " + (r.data.count - r.data.loops.length) + " more" }));
    }
    return r.data;
  }

  // --- taking the next loop ---------------------------------------------------------------------

  /** The next loop to show, now held for this reviewer, or {loop: null, count} when there is none. */
  async function takeNext() {
    const r = await ML.api("/api/reviews/next", { method: "POST", body: { skip: state.skipped } });
    if (!r.ok || !r.data) throw new Error((r.data && r.data.error) || "HTTP " + r.status);
    return r.data.name ? { loop: r.data } : { loop: null, count: r.data.count || 0 };
  }

  async function loadNext() {
    clearTimeout(state.emptyTimer);
    let next;
    try {
      next = await takeNext();
    } catch (e) {
      notice("The next image cannot be loaded: " + e.message + ". Retrying…", "error");
      state.emptyTimer = setTimeout(loadNext, EMPTY_RECHECK_MS);
      return;
    }
    state.loop = next.loop;
    state.picked = null;
    if (!next.loop) {
      const skippedAll = next.count > 0 && state.skipped.length > 0;
      const n = next.count + " open image" + (next.count === 1 ? "" : "s");
      $("empty-text").textContent = skippedAll
        ? "You skipped the " + n + " left. New ones show up here on their own."
        : next.count > 0 ? "The " + n + " left " + (next.count === 1 ? "is" : "are") + " being reviewed by someone else right now. "
          + "This page checks again every few seconds."
        : "All caught up. This page checks for new images every few seconds.";
      $("start-over").classList.toggle("hidden", !skippedAll);
      show("empty");
      state.emptyTimer = setTimeout(loadNext, EMPTY_RECHECK_MS);
    } else {
      render(next.loop);
      show("current");
      // focus off any old button, so that digits and Enter act on the new loop and screen readers announce it
      $("loop-title").focus({ preventScroll: true });
    }
    refreshQueue();
  }

  // --- one loop ---------------------------------------------------------------------------------

  function render(loop) {
    const name = fileName(loop.imageUri);
    const img = $("loop-image");
    img.alt = "Image to label: " + name;
    img.src = loop.image;
    $("loop-file").textContent = name;

    const detected = $("loop-detected");
    ML.clear(detected);
    if (state.showDetected && loop.detectedLabel) {
      detected.append("Model says ", ML.el("strong", { id: "detected-label", text: loop.detectedLabel }));
      if (loop.confidence !== null && loop.confidence !== undefined) {
        detected.append(" ", ML.el("span", { id: "detected-confidence", class: "badge", text: ML.fmtNum(loop.confidence, 1) + " %" }));
      }
    }
    // why the image is here (SentForReview on the server; it already leaves out what showDetectedLabel hides)
    const reason = $("loop-reason");
    ML.clear(reason);
    if (loop.sentBecause) reason.append(ML.el("strong", { text: "Sent because: " }), ML.el("span", { id: "reason-text", text: loop.sentBecause }));
    reason.classList.toggle("hidden", !loop.sentBecause);
    const meta = [loop.source, "waiting " + ML.fmtAgo(loop.createdAt).replace(/ ago$/, "")];
    if (loop.heldUntil) meta.push("held for you until " + new Date(loop.heldUntil).toLocaleTimeString());
    $("loop-meta").textContent = meta.join(" · ");

    const box = ML.clear($("choices"));
    const labels = (loop.choices || []).filter((c) => c !== NONE);
    labels.forEach((label, i) => box.appendChild(choiceButton(label, i < 9 ? String(i + 1) : null)));
    box.appendChild(choiceButton(NONE, "0"));

    $("new-label").value = "";
    ML.message($("answer-message"), "");
    updatePicked();
  }

  function choiceButton(label, key) {
    return ML.el("button", { type: "button", class: "choice" + (label === NONE ? " none" : ""), "aria-pressed": "false",
      dataset: { label, key: key || "" }, onclick: () => pick(label) },
      key ? ML.el("kbd", { text: key }) : null, ML.el("span", { class: "text", text: label }));
  }

  function pick(label) {
    state.picked = label;
    updatePicked();
  }

  function updatePicked() {
    for (const b of document.querySelectorAll("#choices button.choice")) {
      b.setAttribute("aria-pressed", String(b.dataset.label === state.picked));
    }
    const typed = $("new-label").value.trim();
    $("new-label").classList.toggle("active", state.picked === null && typed !== "");
    $("submit").disabled = state.busy || (state.picked === null && typed === "");
  }

  /** The label to send, or null after telling the reviewer why there is none. */
  function answerLabel() {
    if (state.picked !== null) return state.picked;
    const typed = $("new-label").value.trim();
    if (!typed) {
      ML.message($("answer-message"), "Pick a label or type a new one first.", "error");
      return null;
    }
    if (typed !== NONE && !LABEL.test(typed)) {
      ML.message($("answer-message"), "“" + typed + "” is not a valid label: it must start with a letter or digit and use only "
        + "letters, digits, space, _ . - (at most 100 characters).", "error");
      $("new-label").focus();
      return null;
    }
    return typed;
  }

  async function submit() {
    if (state.busy || !state.loop) return;
    const label = answerLabel();
    if (label === null) return;
    const loop = state.loop;
    state.busy = true;
    updatePicked();
    try {
      const r = await ML.api("/api/reviews/" + encodeURIComponent(loop.name) + "/answer",
        { method: "POST", body: { label } });
      if (r.ok) {
        notice("Saved “" + label + "” for " + fileName(loop.imageUri) + ".", "ok");
        await loadNext();
      } else if (r.status === 409 || r.status === 404) {
        // someone else was quicker (or holds it): say so, and carry on with the next one
        notice(((r.data && r.data.error) || "This image was taken by someone else") + " — showing the next image.", "error");
        await loadNext();
      } else {
        ML.message($("answer-message"), (r.data && r.data.error) || "The answer was not saved (HTTP " + r.status + ").", "error");
      }
    } catch (e) {
      ML.message($("answer-message"), "The answer was not saved: " + e.message, "error");
    } finally {
      state.busy = false;
      updatePicked();
    }
  }

  async function skip() {
    if (state.busy || !state.loop) return;
    const loop = state.loop;
    state.busy = true;
    try {
      if (!state.skipped.includes(loop.name)) state.skipped.push(loop.name);
      await ML.api("/api/reviews/" + encodeURIComponent(loop.name) + "/release", { method: "POST" });
      notice("");
      await loadNext();
    } finally {
      state.busy = false;
      updatePicked();
    }
  }

  // --- keyboard ---------------------------------------------------------------------------------

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (state.loop === null || $("current").classList.contains("hidden")) return;
    const t = e.target;
    // typing a new label: letters and digits are text there; Enter submits through the form
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return;
    if (e.key === "Enter") {
      // Enter on Skip / Submit / Sign out keeps its usual meaning; anywhere else it submits the pick
      if (t instanceof HTMLButtonElement && !t.classList.contains("choice")) return;
      if (t instanceof HTMLAnchorElement) return;
      e.preventDefault();
      submit();
    } else if (e.key === "s" || e.key === "S") {
      e.preventDefault();
      skip();
    } else if (/^[0-9]$/.test(e.key)) {
      const b = document.querySelector('#choices button.choice[data-key="' + e.key + '"]');
      if (b) {
        e.preventDefault();
        pick(b.dataset.label);
      }
    }
  }

  // --- start ------------------------------------------------------------------------------------

  async function start() {
    state.session = await ML.chrome("review");
    $("submit").addEventListener("click", submit);
    $("skip").addEventListener("click", skip);
    $("start-over").addEventListener("click", () => { state.skipped = []; loadNext(); });
    $("new-label").addEventListener("input", () => { state.picked = null; ML.message($("answer-message"), ""); updatePicked(); });
    $("new-label-form").addEventListener("submit", (e) => { e.preventDefault(); state.picked = null; submit(); });
    $("loop-image").addEventListener("load", (e) => {
      // tiny images are scaled up with crisp pixels rather than a blur
      e.target.classList.toggle("small", e.target.naturalWidth < 200 && e.target.naturalHeight < 200);
    });
    $("loop-image").addEventListener("error", () => {
      if (state.loop) ML.message($("answer-message"), "The image cannot be shown (it may have been removed from the bucket).", "error");
    });
    document.addEventListener("keydown", onKey);
    // give the hold back when the reviewer leaves, instead of letting it run out
    window.addEventListener("pagehide", () => {
      if (state.loop && state.session) {
        fetch("/api/reviews/" + encodeURIComponent(state.loop.name) + "/release", { method: "POST", keepalive: true,
          credentials: "same-origin", headers: { "X-CSRF-Token": state.session.csrf || "" } }).catch(() => {});
      }
    });
    await refreshQueue(); // first, so that showDetectedLabel is known before the first image is drawn
    setInterval(() => { if (!document.hidden) refreshQueue(); }, QUEUE_REFRESH_MS);
    await loadNext();
  }

  start().catch((e) => notice("The review page cannot start: " + e.message, "error"));
})();
