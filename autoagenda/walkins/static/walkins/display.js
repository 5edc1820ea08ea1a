/* The public queue screen: live over a WebSocket, re-synced from the full state it is sent.
 *
 * The server sends {"type": "display.state", seq, current, recent, waiting} on connect and after
 * every change, and {"type": "ticket.called", number, desk, at, recall} just before the state of a
 * call. The screen chimes and animates on a call, ignores states older than the one it shows, and
 * reconnects with a growing, jittered delay; the first state after each connect is the truth.
 * No inline script (CSP): the page hands over its configuration in data attributes and JSON blocks.
 */
(function () {
  "use strict";

  var root = document.getElementById("tv");
  if (!root) return;

  var RECENT_SHOWN = 6;
  var BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];
  var OFFLINE_AFTER_MS = 20000; // "reconnecting" becomes "no connection" after this long
  var CALL_HIGHLIGHT_MS = 12000; // how long the big panel keeps its "just called" look

  var labels = readJson("tv-i18n") || {};
  var state = readJson("tv-state") || { seq: 0, current: null, recent: [], waiting: [] };
  var lang = root.getAttribute("data-lang") || document.documentElement.lang || "es";
  var zone = root.getAttribute("data-timezone") || undefined;
  var wsPath = root.getAttribute("data-ws-path");

  var el = {
    now: byId("tv-now"),
    nowLabel: byId("tv-now-label"),
    nowNumber: byId("tv-now-number"),
    nowDesk: byId("tv-now-desk"),
    recent: byId("tv-recent"),
    recentEmpty: byId("tv-recent-empty"),
    waiting: byId("tv-waiting"),
    badge: byId("tv-badge"),
    badgeText: byId("tv-badge-text"),
    time: byId("tv-time"),
    date: byId("tv-date"),
    sound: byId("tv-sound")
  };

  function byId(id) { return document.getElementById(id); }

  function readJson(id) {
    var node = byId(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // --- Time ----------------------------------------------------------------
  function formatter(options) {
    try {
      return new Intl.DateTimeFormat(lang, Object.assign({ timeZone: zone }, options));
    } catch (e) { // an unknown zone on an old TV browser: the TV's own clock
      return new Intl.DateTimeFormat(lang, options);
    }
  }
  var clockFormat = formatter({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var dateFormat = formatter({ weekday: "long", day: "numeric", month: "long" });

  function hhmm(iso) {
    if (!iso) return "";
    var moment = new Date(iso);
    return isNaN(moment.getTime()) ? "" : clockFormat.format(moment);
  }

  var today = null;
  function tick() {
    var now = new Date();
    el.time.textContent = clockFormat.format(now);
    var day = dateFormat.format(now);
    el.date.textContent = day.charAt(0).toUpperCase() + day.slice(1);
    // The server shows today's calls only: at the location's midnight, reconnect for a fresh state.
    if (today !== null && day !== today && socket) socket.close(4000);
    today = day;
    setTimeout(tick, 1000 - (now.getTime() % 1000) + 20);
  }

  // --- Rendering -------------------------------------------------------------
  function sameTicket(a, b) {
    return !!(a && b && a.number === b.number);
  }

  function fitNumber(node, text) {
    node.classList.toggle("is-long", String(text || "").length > 5);
  }

  function renderCurrent(current, recall) {
    el.now.classList.toggle("is-idle", !current);
    el.nowLabel.textContent = current ? (recall ? labels.calledAgain : labels.nowServing) : labels.welcome;
    el.nowNumber.textContent = current ? current.number : "";
    fitNumber(el.nowNumber, current && current.number);
    el.nowDesk.textContent = "";
    if (current && current.desk) {
      el.nowDesk.appendChild(make("span", "tv-now__go", labels.goTo));
      el.nowDesk.appendChild(document.createTextNode(" "));
      var name = make("strong", null, current.desk);
      name.id = "tv-now-desk-name";
      el.nowDesk.appendChild(name);
    }
  }

  function renderRecent(current, recent) {
    // `recent` leaves the current ticket out already; the filter keeps a screen right between a call and its state.
    var earlier = (recent || []).filter(function (item) { return !sameTicket(item, current); }).slice(0, RECENT_SHOWN);
    var items = earlier.map(function (call) {
      var li = make("li", "tv-recent__item");
      li.appendChild(make("span", "tv-recent__number", call.number));
      li.appendChild(make("span", "tv-recent__desk", call.desk));
      li.appendChild(make("time", "tv-recent__time", hhmm(call.at)));
      return li;
    });
    el.recent.replaceChildren.apply(el.recent, items);
    el.recentEmpty.hidden = items.length > 0;
  }

  function renderWaiting(waiting) {
    var items = (waiting || []).map(function (queue) {
      var li = make("li", "tv-queue");
      li.appendChild(make("span", "tv-queue__prefix", queue.prefix));
      var body = make("span", "tv-queue__body");
      body.appendChild(make("span", "tv-queue__name", queue.name));
      var figures = make("span", "tv-queue__figures");
      var count = make("span", "tv-queue__count");
      count.appendChild(make("strong", null, queue.count));
      count.appendChild(document.createTextNode(" " + labels.waiting));
      figures.appendChild(count);
      if (queue.count > 0 && queue.estimated_wait_minutes !== undefined && queue.estimated_wait_minutes !== null) {
        figures.appendChild(make("span", "tv-queue__wait", "≈ " + queue.estimated_wait_minutes + " " + labels.minutes));
      }
      body.appendChild(figures);
      li.appendChild(body);
      return li;
    });
    el.waiting.replaceChildren.apply(el.waiting, items);
    el.waiting.setAttribute("data-count", String(items.length));
  }

  var recallShown = null; // the call shown as "called again" until the panel changes
  function render(next) {
    var current = next.current || null;
    var recall = sameTicket(recallShown, current);
    renderCurrent(current, recall);
    renderRecent(current, next.recent);
    renderWaiting(next.waiting);
    root.setAttribute("data-seq", String(next.seq));
  }

  // --- Sound: a two-note chime synthesised with the Web Audio API (no file) ---------------
  var audio = null;
  function audioContext() {
    if (audio) return audio;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    try { audio = new Ctx(); } catch (e) { audio = null; }
    if (audio && audio.addEventListener) audio.addEventListener("statechange", updateSoundHint);
    return audio;
  }

  function updateSoundHint() {
    var ctx = audioContext();
    el.sound.hidden = !ctx || ctx.state === "running";
  }

  function unlockSound() {
    var ctx = audioContext();
    if (ctx && ctx.state !== "running" && ctx.resume) {
      ctx.resume().then(updateSoundHint, updateSoundHint);
    }
  }

  function bell(ctx, frequency, start, length, volume) {
    // A soft bell: the fundamental plus a quieter octave, a quick attack and an exponential fade.
    [[1, volume], [2, volume * 0.28], [3, volume * 0.08]].forEach(function (partial) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.setValueAtTime(frequency * partial[0], start);
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(partial[1], start + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + length + 0.05);
    });
  }

  var chimes = 0;
  function chime() {
    var ctx = audioContext();
    if (!ctx || ctx.state !== "running") { updateSoundHint(); return; }
    chimes += 1;
    root.setAttribute("data-chimes", String(chimes));
    var t = ctx.currentTime + 0.02;
    bell(ctx, 659.25, t, 1.1, 0.35);        // E5
    bell(ctx, 523.25, t + 0.45, 1.6, 0.35); // C5
  }

  // --- A call: chime, animation, the panel shows it at once -----------------------------
  var highlightTimer = null;
  function announce(call) {
    var current = { number: call.number, desk: call.desk, at: call.at };
    recallShown = call.recall ? current : null;
    // The state that follows in the same breath is the truth; until it comes, the number that was on the
    // panel moves to the head of "previous calls" (unless this is the same ticket called again).
    var before = state.current && !sameTicket(state.current, current) ? [state.current] : [];
    var recent = before.concat(state.recent || []).filter(function (item) { return !sameTicket(item, current); });
    render({ seq: state.seq, current: current, recent: recent, waiting: state.waiting });
    el.now.classList.remove("is-calling");
    void el.now.offsetWidth; // restart the animation when two calls come close together
    el.now.classList.add("is-calling");
    clearTimeout(highlightTimer);
    highlightTimer = setTimeout(function () { el.now.classList.remove("is-calling"); }, CALL_HIGHLIGHT_MS);
    root.setAttribute("data-last-call", call.number);
    chime();
  }

  // --- Connection ------------------------------------------------------------
  var socket = null;
  var attempt = 0;
  var freshConnection = false;
  var downSince = null;
  var offlineTimer = null;

  function setBadge(kind) {
    el.badge.setAttribute("data-state", kind);
    el.badgeText.textContent = labels[kind] || kind;
    root.setAttribute("data-connection", kind);
  }

  function socketUrl() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + wsPath;
  }

  function connect() {
    try {
      socket = new WebSocket(socketUrl());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket.onopen = function () { freshConnection = true; };
    socket.onmessage = onMessage;
    socket.onclose = function (event) {
      socket = null;
      scheduleReconnect(event.code);
    };
    socket.onerror = function () { /* onclose follows and reconnects */ };
  }

  function scheduleReconnect(code) {
    if (downSince === null) {
      downSince = Date.now();
      clearTimeout(offlineTimer);
      offlineTimer = setTimeout(function () { if (downSince !== null) setBadge("offline"); }, OFFLINE_AFTER_MS);
    }
    setBadge(Date.now() - downSince >= OFFLINE_AFTER_MS ? "offline" : "reconnecting");
    var delay = code === 4404 ? 60000 : BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
    attempt += 1;
    delay = delay * (0.8 + Math.random() * 0.4); // jitter: a room of screens does not reconnect in step
    setTimeout(connect, delay);
  }

  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (!message || typeof message !== "object") return;
    if (message.type === "ticket.called") {
      announce(message);
    } else if (message.type === "display.state") {
      var seq = Number(message.seq) || 0;
      if (freshConnection || seq >= (Number(state.seq) || 0)) {
        if (freshConnection) {
          freshConnection = false;
          attempt = 0;
          downSince = null;
          clearTimeout(offlineTimer);
          setBadge("live");
        }
        state = message;
        render(state);
      }
    }
  }

  // --- Start -----------------------------------------------------------------
  ["pointerdown", "keydown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, unlockSound, { passive: true });
  });
  el.sound.addEventListener("click", unlockSound);
  render(state);
  tick();
  unlockSound(); // kiosk browsers that allow autoplay start right away; others show the hint
  updateSoundHint();
  setBadge("connecting");
  connect();

  // For people (and tests) looking at a screen from the browser console.
  window.autoagendaDisplay = {
    state: function () { return state; },
    connected: function () { return !!socket && socket.readyState === 1; }
  };
})();
