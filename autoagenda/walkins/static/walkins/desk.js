// The desk panel: live refresh over the desk WebSocket, and keyboard shortcuts.
//
// The server sends {"type": "desk.changed", "seq": n} whenever a ticket of the
// location changes; the panel fragment carries the seq it was rendered at
// (data-seq). A newer seq makes htmx re-fetch the fragment ("desk-changed"),
// an older or equal one is ignored: our own action already answered with the
// fresh panel. While one of the panel's own requests is on its way (its echo
// often arrives first) or someone is choosing in a field, the refresh waits
// and is reconsidered afterwards. After a dropped connection the panel is
// re-fetched once, since messages sent meanwhile were missed. Without
// JavaScript every button is a plain form and the page still works, just not live.
(() => {
  "use strict";

  const panel = () => document.getElementById("wk-desk");
  const badge = document.querySelector("[data-live-badge]");
  let announced = 0; // the newest seq the server told us about
  let requested = 0; // the seq the last refresh was asked for
  let forced = false; // re-fetch whatever the seq (after a reconnect)
  let inflight = 0; // htmx requests on their way
  let acting = 0; // of which actions (POSTs): a key press waits for them, not for a refresh

  function setBadge(state) {
    if (!badge) return;
    badge.dataset.state = state;
    const text = badge.querySelector("[data-live-text]");
    const label = badge.dataset[`text${state.charAt(0).toUpperCase()}${state.slice(1)}`];
    if (text && label) text.textContent = label;
  }

  function choosing(root) {
    const active = document.activeElement;
    return Boolean(active && root.contains(active) && active.matches("select, input, textarea"));
  }

  function maybeRefresh() {
    const root = panel();
    if (!root || !window.htmx) return;
    const shown = Number(root.dataset.seq || 0);
    const stale = forced || announced > Math.max(shown, requested);
    if (!stale || inflight > 0 || choosing(root)) return;
    forced = false;
    requested = announced;
    window.htmx.trigger(document.body, "desk-changed");
  }

  const isAction = (event) => (event.detail.requestConfig || {}).verb === "post";
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    inflight += 1;
    if (isAction(event)) acting += 1;
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    inflight = Math.max(0, inflight - 1);
    if (isAction(event)) acting = Math.max(0, acting - 1);
    window.setTimeout(maybeRefresh, 0);
  });
  document.addEventListener("focusout", () => window.setTimeout(maybeRefresh, 0));

  function connect() {
    const root = panel();
    if (!root || !root.dataset.ws || !("WebSocket" in window)) return;
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${window.location.host}${root.dataset.ws}`;
    let delay = 1000;
    let dropped = false;

    function open() {
      const socket = new WebSocket(url);
      socket.addEventListener("open", () => {
        setBadge("live");
        delay = 1000;
        if (dropped) {
          forced = true;
          maybeRefresh();
        }
        dropped = false;
      });
      socket.addEventListener("message", (event) => {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (!message || message.type !== "desk.changed") return;
        announced = Math.max(announced, Number(message.seq) || 0);
        maybeRefresh();
      });
      socket.addEventListener("close", () => {
        setBadge("offline");
        dropped = true;
        const wait = delay + Math.floor(Math.random() * 500);
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(open, wait);
      });
    }
    open();
  }

  // N next, R recall, S start, F finish, X no-show: each clicks the button showing that key.
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key.toLowerCase();
    if (!["n", "r", "s", "f", "x"].includes(key)) return;
    const root = panel();
    const button = root && root.querySelector(`button[data-shortcut="${key}"]`);
    if (!button || button.disabled || acting > 0) return; // one action at a time
    event.preventDefault();
    button.classList.add("is-pressed");
    window.setTimeout(() => button.classList.remove("is-pressed"), 150);
    button.click();
  });

  connect();
})();
