// The drawing pad: a square canvas a student draws on with a finger, a pen or the mouse.
//
// It records vector strokes in the wire format that mlcore/learn/drawings.py checks and renders:
//   {"v": 1, "size": 1024, "strokes": [[x0, y0, x1, y1, ...], ...]}
// integers in 0..1023 (x right, y down), one flat x, y list per stroke, a one-point stroke is a dot.
// The limits below mirror the server's; past them the pad stops recording and fires "full".
//
//   const pad = new DrawingPad(canvas, { ariaLabel, onChange, onFull });
//   pad.addEventListener("change", (e) => e.detail.reason);   // "stroke" | "undo" (Ctrl/Cmd+Z)
//   pad.addEventListener("full", (e) => e.detail.limit);      // "strokes" | "points" | "stroke_points"
//   pad.toJSON(); pad.load(drawing); pad.undo(); pad.clear(); pad.isEmpty(); pad.setEnabled(false);
//
// "change" (and onChange) follow what the person did: a stroke ended, or Ctrl/Cmd+Z on the focused
// pad. Calls the page makes itself (undo(), clear(), load()) fire nothing, so a page that reacts to
// its own buttons is not told twice.

export const WIRE_VERSION = 1;
export const WIRE_SIZE = 1024;
export const MAX_STROKES = 64;
export const MAX_POINTS = 4000;
export const MAX_POINTS_PER_STROKE = 1000;
export const PEN_FRACTION = 0.02; // pen width as a share of the side, as render_display draws it

const MIN_STEP = 3; // wire units the pen must move before another point is recorded
const MAX_BACKING = 2048; // device pixels per side: sharp on any phone, bounded memory

const translate = (text) => (typeof gettext === "function" ? gettext(text) : text);

export class DrawingPad extends EventTarget {
  #canvas;
  #ctx;
  #options;
  #strokes = [];
  #current = null; // the stroke being drawn (a flat array), or null
  #currentFull = false; // this stroke hit a limit: ignore its further points
  #points = 0; // committed points
  #pointerId = null;
  #box = null; // the canvas's content box at pointerdown (no layout reads while drawing)
  #enabled = true;
  #observer = null;
  #listeners = [];

  constructor(canvas, options = {}) {
    super();
    if (!(canvas instanceof HTMLCanvasElement)) throw new TypeError("DrawingPad needs a <canvas> element");
    this.#canvas = canvas;
    this.#ctx = canvas.getContext("2d");
    this.#options = { ink: "#111", paper: "#fff", penFraction: PEN_FRACTION, ...options };
    canvas.classList.add("drawing-pad");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", options.ariaLabel || translate("Drawing area"));
    if (!canvas.hasAttribute("tabindex")) canvas.tabIndex = 0;
    this.#listen(canvas, "pointerdown", (e) => this.#down(e));
    this.#listen(canvas, "pointermove", (e) => this.#move(e));
    this.#listen(canvas, "pointerup", (e) => this.#up(e));
    this.#listen(canvas, "pointercancel", (e) => this.#up(e));
    this.#listen(canvas, "lostpointercapture", (e) => this.#up(e));
    this.#listen(canvas, "keydown", (e) => this.#key(e));
    this.#listen(canvas, "contextmenu", (e) => e.preventDefault()); // a long press is a dot, not a menu
    // Safari: no double-tap zoom or text-selection loupe while drawing (pointer events still fire).
    this.#listen(canvas, "touchstart", (e) => { if (this.#enabled) e.preventDefault(); }, { passive: false });
    if (typeof ResizeObserver === "function") {
      this.#observer = new ResizeObserver((entries) => this.#resized(entries[entries.length - 1]));
      try {
        this.#observer.observe(canvas, { box: "device-pixel-content-box" });
      } catch {
        this.#observer.observe(canvas);
      }
    } else {
      this.#listen(window, "resize", () => this.#resized(null));
    }
    this.setEnabled(options.enabled ?? true);
    this.#resized(null);
  }

  // --- the public API -------------------------------------------------------------------------

  /** The wire object: {v: 1, size: 1024, strokes: [[x, y, ...], ...]} (finished strokes only). */
  toJSON() {
    return { v: WIRE_VERSION, size: WIRE_SIZE, strokes: this.#strokes.map((s) => s.slice()) };
  }

  isEmpty() {
    return this.#strokes.length === 0;
  }

  get strokeCount() {
    return this.#strokes.length;
  }

  get pointCount() {
    return this.#points;
  }

  get enabled() {
    return this.#enabled;
  }

  /** Removes the last stroke; false when there was none. */
  undo() {
    this.#abandon();
    const last = this.#strokes.pop();
    if (!last) return false;
    this.#points -= last.length / 2;
    this.#redraw();
    return true;
  }

  clear() {
    this.#abandon();
    this.#strokes = [];
    this.#points = 0;
    this.#redraw();
  }

  /**
   * Shows a drawing (a reconnecting student's own submission): the wire object, or just its strokes.
   * Other sizes are scaled to 1024; coordinates are rounded and clamped; past the limits it is cut.
   */
  load(drawing) {
    const strokes = Array.isArray(drawing) ? drawing : drawing?.strokes;
    if (!Array.isArray(strokes)) throw new TypeError("load() takes {v, size, strokes} or a list of strokes");
    const size = Array.isArray(drawing) ? WIRE_SIZE : Number(drawing.size ?? WIRE_SIZE);
    if (!(size > 0)) throw new TypeError("load(): size must be a positive number");
    const scale = WIRE_SIZE / size;
    const clean = [];
    let points = 0;
    for (const stroke of strokes) {
      if (clean.length === MAX_STROKES) break;
      if (!Array.isArray(stroke) || stroke.length < 2 || stroke.length % 2) {
        throw new TypeError("load(): each stroke is a flat [x, y, ...] list");
      }
      const room = Math.min(MAX_POINTS_PER_STROKE, MAX_POINTS - points) * 2;
      if (room <= 0) break;
      const out = stroke.slice(0, room).map((c) => {
        const v = Number(c);
        if (!Number.isFinite(v)) throw new TypeError("load(): coordinates must be numbers");
        return clampWire(Math.round(v * scale));
      });
      clean.push(out);
      points += out.length / 2;
    }
    this.#abandon();
    this.#strokes = clean;
    this.#points = points;
    this.#redraw();
  }

  /** Off: no drawing (a sent drawing, a closed round); a stroke in progress is kept. */
  setEnabled(on) {
    this.#enabled = Boolean(on);
    if (!this.#enabled && this.#current) this.#finish();
    const c = this.#canvas;
    c.classList.toggle("is-disabled", !this.#enabled);
    c.setAttribute("aria-disabled", String(!this.#enabled));
    // Only a live pad keeps the page from scrolling under the finger.
    c.style.touchAction = this.#enabled ? "none" : "auto";
  }

  /** Removes every listener (the page is tearing the pad down). */
  destroy() {
    this.#observer?.disconnect();
    for (const [target, type, fn, opts] of this.#listeners) target.removeEventListener(type, fn, opts);
    this.#listeners = [];
  }

  // --- pointers -------------------------------------------------------------------------------

  #listen(target, type, fn, opts) {
    target.addEventListener(type, fn, opts);
    this.#listeners.push([target, type, fn, opts]);
  }

  #down(e) {
    if (!this.#enabled || this.#pointerId !== null) return; // one finger draws; others are ignored
    if (e.pointerType === "mouse" && e.button !== 0) return;
    e.preventDefault();
    this.#canvas.focus({ preventScroll: true });
    if (this.#strokes.length >= MAX_STROKES) return this.#full("strokes", MAX_STROKES);
    if (this.#points >= MAX_POINTS) return this.#full("points", MAX_POINTS);
    this.#pointerId = e.pointerId;
    try {
      this.#canvas.setPointerCapture(e.pointerId);
    } catch {
      // a synthetic or already-released pointer: drawing still works inside the canvas
    }
    const c = this.#canvas;
    const rect = c.getBoundingClientRect();
    this.#box = { left: rect.left + c.clientLeft, top: rect.top + c.clientTop, width: c.clientWidth || 1, height: c.clientHeight || 1 };
    this.#current = [];
    this.#currentFull = false;
    this.#add(e, true);
  }

  #move(e) {
    if (e.pointerId !== this.#pointerId || !this.#current) return;
    e.preventDefault();
    const batch = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
    for (const p of batch.length ? batch : [e]) this.#add(p, false);
  }

  #up(e) {
    if (e.pointerId !== this.#pointerId) return;
    if (e.type === "pointerup" && this.#current) this.#add(e, true);
    this.#finish();
  }

  #key(e) {
    if (!this.#enabled || e.altKey || e.shiftKey || !(e.ctrlKey || e.metaKey) || (e.key || "").toLowerCase() !== "z") return;
    e.preventDefault();
    if (this.undo()) this.#changed("undo");
  }

  // Adds the pointer's position unless it is within MIN_STEP of the last point (`always`: unless equal).
  #add(e, always) {
    if (this.#currentFull) return;
    const s = this.#current;
    const b = this.#box;
    const x = clampWire(Math.floor(((e.clientX - b.left) / b.width) * WIRE_SIZE));
    const y = clampWire(Math.floor(((e.clientY - b.top) / b.height) * WIRE_SIZE));
    const n = s.length;
    if (n) {
      const dx = x - s[n - 2];
      const dy = y - s[n - 1];
      if (dx === 0 && dy === 0) return;
      if (!always && dx * dx + dy * dy < MIN_STEP * MIN_STEP) return;
    }
    if (n / 2 >= MAX_POINTS_PER_STROKE) return this.#stopStroke("stroke_points", MAX_POINTS_PER_STROKE);
    if (this.#points + n / 2 >= MAX_POINTS) return this.#stopStroke("points", MAX_POINTS);
    s.push(x, y);
    this.#drawSegment(s);
  }

  #stopStroke(limit, maximum) {
    this.#currentFull = true;
    this.#full(limit, maximum);
  }

  #finish() {
    const s = this.#current;
    const id = this.#pointerId;
    this.#current = null;
    this.#pointerId = null;
    if (id !== null && this.#canvas.hasPointerCapture?.(id)) {
      try {
        this.#canvas.releasePointerCapture(id);
      } catch {
        // already released
      }
    }
    if (!s || !s.length) return;
    this.#strokes.push(s);
    this.#points += s.length / 2;
    this.#changed("stroke");
  }

  // Drops a stroke in progress without keeping it (undo, clear or load while a finger is down).
  #abandon() {
    if (!this.#current) return;
    this.#current = null;
    this.#currentFull = true;
    const id = this.#pointerId;
    this.#pointerId = null;
    try {
      this.#canvas.releasePointerCapture(id);
    } catch {
      // not captured
    }
  }

  #changed(reason) {
    const detail = { reason, strokes: this.#strokes.length, points: this.#points };
    this.#options.onChange?.(detail);
    this.dispatchEvent(new CustomEvent("change", { detail }));
  }

  #full(limit, maximum) {
    const detail = { limit, maximum };
    this.#options.onFull?.(detail);
    this.dispatchEvent(new CustomEvent("full", { detail }));
  }

  // --- painting -------------------------------------------------------------------------------

  #resized(entry) {
    const c = this.#canvas;
    let side = (entry?.contentRect?.width ?? c.clientWidth) * (window.devicePixelRatio || 1);
    // The device-pixel box is the exact, snapped size where the browser knows it; emulators (and
    // headless Chrome with a device scale factor) report CSS pixels there, so trust it only when close.
    const device = entry?.devicePixelContentBoxSize?.[0]?.inlineSize;
    if (device && Math.abs(device - side) < 2) side = device;
    side = Math.max(1, Math.min(MAX_BACKING, Math.round(side)));
    if (c.width === side && c.height === side) return;
    c.width = side; // square: the CSS keeps the box square (aspect-ratio: 1), the backing store follows
    c.height = side;
    this.#redraw();
  }

  #pen() {
    const ctx = this.#ctx;
    const scale = this.#canvas.width / WIRE_SIZE;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = Math.max(1, this.#options.penFraction * this.#canvas.width);
    ctx.strokeStyle = this.#options.ink;
    ctx.fillStyle = this.#options.ink;
    return scale;
  }

  #redraw() {
    const ctx = this.#ctx;
    const { width, height } = this.#canvas;
    ctx.fillStyle = this.#options.paper;
    ctx.fillRect(0, 0, width, height);
    const scale = this.#pen();
    const all = this.#current ? [...this.#strokes, this.#current] : this.#strokes;
    for (const s of all) {
      if (!s.length) continue;
      if (s.length === 2) {
        this.#dot(s[0], s[1], scale);
        continue;
      }
      ctx.beginPath();
      ctx.moveTo((s[0] + 0.5) * scale, (s[1] + 0.5) * scale);
      for (let i = 2; i < s.length; i += 2) ctx.lineTo((s[i] + 0.5) * scale, (s[i + 1] + 0.5) * scale);
      ctx.stroke();
    }
  }

  // Paints only the newest piece of the stroke in progress: no full redraw per pointer move.
  #drawSegment(s) {
    const scale = this.#pen();
    const n = s.length;
    if (n === 2) return this.#dot(s[0], s[1], scale);
    const ctx = this.#ctx;
    ctx.beginPath();
    ctx.moveTo((s[n - 4] + 0.5) * scale, (s[n - 3] + 0.5) * scale);
    ctx.lineTo((s[n - 2] + 0.5) * scale, (s[n - 1] + 0.5) * scale);
    ctx.stroke();
  }

  #dot(x, y, scale) {
    const ctx = this.#ctx;
    ctx.beginPath();
    ctx.arc((x + 0.5) * scale, (y + 0.5) * scale, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function clampWire(v) {
  return Math.min(WIRE_SIZE - 1, Math.max(0, v));
}
