// Live refresh of the work-order pages (job board, mechanic board, work-order page).
//
// An element with data-wo-live and data-ws="<path> [<path>…]" listens to the location's WebSocket(s); the
// server only says which work order changed ({"type": "workorder.changed", "work_order": id, …}), and the
// element re-fetches itself with htmx ("wo-changed", see its hx-trigger). With data-wo-id it reacts to that
// work order only. While one of its own requests is on its way, or someone types in one of its fields, the
// refresh waits. After a dropped connection it reconnects with a growing delay and refreshes once.
// A draggable card can also be dropped on a column one of its buttons moves it to: the drop posts the same move as
// that button. A card's ✕ (cancel) asks first (the board's data-confirm-cancel).
(() => {
  "use strict";

  const badge = document.querySelector("[data-live-badge]");
  let pending = false;
  let inflight = 0;

  function setBadge(state) {
    if (!badge) return;
    badge.dataset.state = state;
    const text = badge.querySelector("[data-live-text]");
    const label = badge.dataset[`text${state.charAt(0).toUpperCase()}${state.slice(1)}`];
    if (text && label) text.textContent = label;
  }

  const root = () => document.querySelector("[data-wo-live]");

  function busy(el) {
    const active = document.activeElement;
    const typing = active && el.contains(active) && active.matches("input, textarea, select");
    const open = el.querySelector("details[open] input:not([type=radio]):not([type=hidden])");
    const filled = open && Array.from(el.querySelectorAll("details[open] textarea, details[open] input")).some((i) => i.type !== "radio" && i.type !== "hidden" && i.value && i.defaultValue !== i.value);
    return inflight > 0 || typing || filled;
  }

  function refresh() {
    const el = root();
    if (!el || !window.htmx) return;
    if (busy(el)) {
      pending = true;
      return;
    }
    pending = false;
    window.htmx.trigger(el, "wo-changed");
  }

  document.body.addEventListener("htmx:beforeRequest", () => { inflight += 1; });
  document.body.addEventListener("htmx:afterRequest", () => {
    inflight = Math.max(0, inflight - 1);
    if (pending) window.setTimeout(refresh, 0);
  });
  document.addEventListener("focusout", () => { if (pending) window.setTimeout(refresh, 0); });

  function connect(path, attempt) {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}${path}`);
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      setBadge("live");
      if (attempt > 0) refresh();
    });
    socket.addEventListener("message", (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch (_e) { return; }
      if (data.type !== "workorder.changed") return;
      const el = root();
      if (!el) return;
      const only = el.dataset.woId;
      if (only && String(data.work_order) !== only) return;
      refresh();
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 4403 || event.code === 4404) { setBadge("offline"); return; }
      setBadge("offline");
      const delay = Math.min(30000, 1000 * 2 ** Math.min(attempt, 5));
      window.setTimeout(() => connect(path, opened ? 1 : attempt + 1), delay);
    });
  }

  const el = root();
  if (el && el.dataset.ws && "WebSocket" in window) {
    el.dataset.ws.split(" ").filter(Boolean).forEach((path) => connect(path, 0));
  }

  // A card's moves are one form (one button per move, name="status"): with htmx it posts to the form's action, with
  // the board's mechanic filter, and the board comes back; the ✕ (cancel) asks first. Without JavaScript the form
  // posts itself.
  function move(form, status) {
    const board = form.closest("#wo-board");
    if (!board) return;
    const mechanic = new URL(board.getAttribute("hx-get") || "", window.location.href).searchParams.get("mechanic");
    const url = form.getAttribute("action") + (mechanic ? `?mechanic=${encodeURIComponent(mechanic)}` : "");
    window.htmx.ajax("POST", url, { source: form, target: "#wo-board", swap: "outerHTML", values: { status } });
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    if (!form.matches || !form.matches(".wo-card__moves") || !button || !window.htmx) return;
    event.preventDefault();
    const board = form.closest("[data-confirm-cancel]");
    const card = form.closest("[data-card]");
    if (button.value === "cancelled" && board && card) {
      if (!window.confirm(board.dataset.confirmCancel.replace("{number}", card.dataset.card))) return;
    }
    move(form, button.value);
  });

  const moves = (card) => Array.from(card.querySelectorAll("button[name=status]"), (button) => button.value);

  // Drag a card onto a column: the same POST as its buttons (refused moves come back with the reason).
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".wo-card[draggable=true]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.card || "");
  });
  document.addEventListener("dragover", (event) => {
    const column = event.target.closest && event.target.closest("[data-column]");
    if (!dragged || !column) return;
    if (moves(dragged).includes(column.dataset.column)) {
      event.preventDefault();
      column.classList.add("is-drop");
    }
  });
  document.addEventListener("dragleave", (event) => {
    const column = event.target.closest && event.target.closest("[data-column]");
    if (column) column.classList.remove("is-drop");
  });
  document.addEventListener("drop", (event) => {
    const column = event.target.closest && event.target.closest("[data-column]");
    if (!dragged || !column || !window.htmx) return;
    event.preventDefault();
    column.classList.remove("is-drop");
    const form = dragged.querySelector(".wo-card__moves");
    if (form) move(form, column.dataset.column);
    dragged = null;
  });
  document.addEventListener("dragend", () => { dragged = null; });
})();
