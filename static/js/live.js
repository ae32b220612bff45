/* A live stream over a websocket: reconnects with jittered back-off, shows its state,
   keeps the server's clock, and asks for the snapshot again when it sees a version gap. */
(function (global) {
  "use strict";

  function LiveSocket(path, options) {
    this.path = path;
    this.onMessage = options.onMessage || function () {};
    this.indicator = options.indicator || null;
    this.labels = options.labels || { live: "live", reconnecting: "reconnecting…" };
    this.heartbeat = options.heartbeat || 0;
    this.version = null;
    this.clockOffset = 0; // server time minus local time, in ms
    this.delay = 1000;
    this.connect();
  }

  LiveSocket.prototype.connect = function () {
    var self = this;
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + this.path;
    var ws = (this.ws = new WebSocket(url));
    ws.onopen = function () {
      self.delay = 1000;
      self.show("live");
      document.dispatchEvent(new CustomEvent("wti:open")); // the room's call joins (again) on it
      if (self.heartbeat) {
        clearInterval(self.timer);
        self.timer = setInterval(function () { self.send({ type: "ping" }); }, self.heartbeat);
      }
    };
    ws.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.server_time) self.clockOffset = Date.parse(data.server_time) - Date.now();
      if (typeof data.version === "number" && data.type === "event.state") {
        if (self.version !== null && data.version < self.version) return; // an old message
        var gap = self.version !== null && data.version > self.version + 1 && !data.view;
        self.version = data.version;
        if (gap) self.send({ type: "refresh" });
      }
      self.onMessage(data);
      // Other scripts of the page (messages.js) hear every message too.
      document.dispatchEvent(new CustomEvent("wti:live", { detail: data }));
    };
    ws.onclose = function (event) {
      clearInterval(self.timer);
      document.dispatchEvent(new CustomEvent("wti:closed")); // pages that count on it ask more often
      if (event.code === 4403) { self.show("refused"); return; }
      self.show("reconnecting");
      var wait = self.delay * (0.5 + Math.random());
      self.delay = Math.min(self.delay * 2, 30000);
      setTimeout(function () { self.connect(); }, wait);
    };
  };

  LiveSocket.prototype.send = function (message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  };

  LiveSocket.prototype.now = function () { return Date.now() + this.clockOffset; };

  LiveSocket.prototype.show = function (state) {
    if (!this.indicator) return;
    this.indicator.textContent = this.labels[state] || state;
    this.indicator.className = "status-pill " + state;
    this.indicator.setAttribute("data-state", state);
  };

  /* A countdown to an ISO time, on the server's clock. */
  function startCountdown(element, socket) {
    function tick() {
      var ends = element.getAttribute("data-ends-at");
      if (!ends) { element.textContent = ""; return; }
      var left = Math.max(0, Math.round((Date.parse(ends) - socket.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      element.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      element.setAttribute("aria-label", m + " min " + s + " s");
    }
    tick();
    return setInterval(tick, 1000);
  }

  // A phase of the live state in the page's language (its `titles` by language), else its title.
  function phaseTitle(phase) {
    var language = (document.documentElement.lang || "").toLowerCase();
    var titles = phase.titles || {};
    return titles[language] || titles[language.split("-")[0]] || phase.title;
  }

  global.LiveSocket = LiveSocket;
  global.phaseTitle = phaseTitle;
  global.startCountdown = startCountdown;
})(window);
