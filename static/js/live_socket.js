// A WebSocket that reconnects with backoff and speaks the site's JSON envelope.
// Room messages carry `seq` (docs/websocket-protocol.md, "Delivery guarantee"): a gap calls
// onGap (the page asks for the state); onStatus(up) says whether the room link works (the socket
// is open and its server process hears the room: `link` messages).
import { connectionBanner, socketUrl } from "./app.js";

export class LiveSocket {
  constructor(path, { onOpen, onMessage, onGap, onStatus }) {
    this.path = path;
    this.onOpen = onOpen;
    this.onMessage = onMessage;
    this.onGap = onGap;
    this.onStatus = onStatus;
    this.lastSeq = null;
    this.attempt = 0;
    this.banner = connectionBanner();
    this.closedByUs = false;
    this.open();
  }

  open() {
    this.ws = new WebSocket(socketUrl(this.path));
    this.ws.addEventListener("open", () => {
      if (this.attempt > 0) this.banner.restored();
      this.attempt = 0;
      this.lastSeq = null;
      this.onStatus?.(true);
      this.onOpen?.();
    });
    this.ws.addEventListener("message", (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch { return; }
      const gap = this.noteSeq(data);
      if (data.type === "link") this.onStatus?.(data.up === true);
      this.onMessage(data);
      if (gap) this.onGap?.();
    });
    this.ws.addEventListener("close", () => {
      if (this.closedByUs) return;
      this.onStatus?.(false);
      this.banner.lost();
      const delay = Math.min(10000, 500 * 2 ** this.attempt) + Math.random() * 300;
      this.attempt += 1;
      window.setTimeout(() => this.open(), delay);
    });
  }

  // True when this message shows that one before it was missed.
  noteSeq(data) {
    if (!Number.isInteger(data.seq)) return false;
    if (data.type === "state" || data.type === "host_state") {
      this.lastSeq = data.seq;
      return false;
    }
    const gap = this.lastSeq !== null && data.seq > this.lastSeq + 1;
    this.lastSeq = this.lastSeq === null ? data.seq : Math.max(this.lastSeq, data.seq);
    return gap;
  }

  send(payload) {
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(payload));
      return true;
    }
    return false;
  }

  close() {
    this.closedByUs = true;
    this.ws.close();
  }
}

// Countdown to a server deadline, corrected for the clock difference seen at receipt.
export class Countdown {
  constructor(element, onZero) {
    this.element = element;
    this.onZero = onZero;
    this.timer = null;
  }

  // serverNowMs: the server's clock when it sent the message (our clock minus it = offset).
  start(deadlineMs, serverNowMs) {
    this.stop();
    if (!deadlineMs || !this.element) return;
    const offset = serverNowMs ? Date.now() - serverNowMs : 0;
    const tick = () => {
      const left = Math.max(0, Math.ceil((deadlineMs + offset - Date.now()) / 1000));
      this.element.textContent = String(left);
      if (left <= 0) { this.stop(); this.onZero?.(); }
    };
    tick();
    this.timer = window.setInterval(tick, 250);
  }

  stop() {
    if (this.timer) window.clearInterval(this.timer);
    this.timer = null;
  }
}

export function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== "") node.textContent = text;
  return node;
}

export function showView(root, name) {
  for (const view of root.querySelectorAll("[data-view]")) view.hidden = view.dataset.view !== name;
}
