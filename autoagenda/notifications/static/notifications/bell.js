// The bell in the header: its count stays live over /ws/notifications/ (one socket per page, re-synced on
// every reconnect), its panel loads when opened. Without JavaScript the bell still links to the inbox.
(() => {
  const bell = document.querySelector("[data-bell]");
  if (!bell) return;
  const panel = bell.querySelector("[data-bell-panel]");

  function show(n) {
    const count = document.getElementById("bell-count"); // htmx may have swapped it out of band
    if (!count) return;
    count.textContent = n > 99 ? "99+" : String(n);
    count.dataset.bellCount = String(n);
    count.hidden = n === 0;
  }

  function loadPanel() {
    if (bell.open && window.htmx && panel) {
      window.htmx.ajax("GET", panel.dataset.src, { target: panel, swap: "innerHTML" });
    }
  }

  bell.addEventListener("toggle", loadPanel);
  document.addEventListener("click", (event) => {
    if (bell.open && !bell.contains(event.target)) bell.open = false;
  });

  let delay = 1000;
  function connect() {
    if (!bell.dataset.ws) return; // not served by an ASGI server: no WebSocket, the count comes with each page
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + bell.dataset.ws);
    socket.addEventListener("open", () => {
      delay = 1000;
      bell.dataset.live = "1";
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type !== "inbox.unread") return;
      show(message.unread);
      if (message.changed) loadPanel();
    });
    socket.addEventListener("close", (event) => {
      bell.dataset.live = "0";
      if (event.code === 4403) return; // logged out: nothing to listen to
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();

  // The calendar-feed page's "Copy address" button.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const input = document.querySelector(button.dataset.copy);
      if (!input) return;
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        document.execCommand("copy");
      }
      button.textContent = button.dataset.copied || button.textContent;
    });
  });
})();
