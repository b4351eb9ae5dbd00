// The training page: progress, ETA and loss/accuracy curves, live from /ws/jobs/<id>/.
// When the socket is not open, the page polls the REST API instead (see docs/jobs.md).
import { LiveSocket } from "./live_socket.js";

const root = document.getElementById("ml-job");
const FINISHED = new Set(["succeeded", "failed", "cancelled"]);
const STATES = {
  queued: gettext("Queued"),
  running: gettext("Running"),
  succeeded: gettext("Succeeded"),
  failed: gettext("Failed"),
  cancelled: gettext("Cancelled"),
};
const SVG = "http://www.w3.org/2000/svg";

function part(role) {
  return root.querySelector(`[data-role=${role}]`);
}

function number(value, digits = 3) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

function percent(value) {
  return value === null || value === undefined ? "–" : `${(100 * value).toFixed(1)}%`;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? interpolate(gettext("%(s)s s"), { s }, true)
    : interpolate(gettext("%(m)s min %(s)s s"), { m: Math.floor(s / 60), s: s % 60 }, true);
}

function node(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

// One chart: x = epoch, y = the series' values; accuracy is drawn on 0..1.
function drawChart(svg, history, keys, fixedMax) {
  svg.replaceChildren();
  const left = 36, right = 312, top = 10, bottom = 146;
  const points = keys.map(([key]) => history.filter((h) => h[key] !== null && h[key] !== undefined).map((h) => [h.epoch, h[key]]));
  const all = points.flat();
  svg.append(node("line", { x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#999" }));
  svg.append(node("line", { x1: left, y1: top, x2: left, y2: bottom, stroke: "#999" }));
  if (!all.length) {
    svg.append(node("text", { x: 170, y: 80, "text-anchor": "middle", fill: "#5b6470", "font-size": 12 }, gettext("Waiting for the first epoch…")));
    return;
  }
  const maxX = Math.max(...all.map(([x]) => x), 1);
  const maxY = fixedMax ?? Math.max(...all.map(([, y]) => y), 1e-9) * 1.05;
  const sx = (x) => left + (maxX === 1 ? (right - left) : (x - 1) / (maxX - 1) * (right - left));
  const sy = (y) => bottom - (y / maxY) * (bottom - top);
  svg.append(node("text", { x: left - 4, y: top + 8, "text-anchor": "end", "font-size": 10, fill: "#5b6470" }, number(maxY, 2)));
  svg.append(node("text", { x: left - 4, y: bottom, "text-anchor": "end", "font-size": 10, fill: "#5b6470" }, "0"));
  svg.append(node("text", { x: right, y: bottom + 16, "text-anchor": "end", "font-size": 10, fill: "#5b6470" },
    interpolate(gettext("epoch %(n)s"), { n: maxX }, true)));
  keys.forEach(([, cls], i) => {
    const series = points[i];
    if (!series.length) return;
    const d = series.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
    svg.append(node("polyline", { points: d, fill: "none", "stroke-width": 2.5, class: cls }));
    for (const [x, y] of series) svg.append(node("circle", { cx: sx(x), cy: sy(y), r: 2.5, class: cls }));
  });
}

let current = JSON.parse(document.getElementById("job-snapshot").textContent);
let socket = null;
let lastMessage = 0;
let poller = null;

function render(job) {
  const state = part("state");
  state.textContent = STATES[job.state] || job.state;
  state.className = `ml-state ${job.state}`;
  const pct = Math.round(100 * (job.progress || 0));
  part("percent").textContent = `${pct}%`;
  part("bar").style.width = `${pct}%`;
  part("progressbar").setAttribute("aria-valuenow", String(pct));
  part("epoch").textContent = `${job.epoch} / ${job.epochs}`;
  part("eta").textContent = job.state === "running" ? duration(job.eta_seconds) : "–";
  const last = job.history.length ? job.history[job.history.length - 1] : {};
  part("loss").textContent = number(last.train_loss);
  part("train-accuracy").textContent = percent(last.train_accuracy);
  part("val-accuracy").textContent = percent(last.val_accuracy ?? job.metrics?.accuracy);
  drawChart(root.querySelector("[data-chart=loss]"), job.history, [["train_loss", "train"], ["val_loss", "val"]]);
  drawChart(root.querySelector("[data-chart=accuracy]"), job.history, [["train_accuracy", "train"], ["val_accuracy", "val"]], 1);
  const error = part("error");
  error.hidden = !job.error || job.state === "cancelled";
  error.textContent = job.error ? job.error.message : "";
  part("cancelling").hidden = !(job.cancel_requested && !FINISHED.has(job.state));
  part("cancel").hidden = FINISHED.has(job.state) || job.cancel_requested;
  if (job.state === "succeeded" && job.model) {
    part("result-link").href = root.dataset.modelUrl.replace("/0/", `/${job.model}/`);
    part("done").hidden = false;
  }
}

function apply(job) {
  if (!job || job.id !== current.id || job.revision < current.revision) return;
  current = job;
  render(job);
  if (FINISHED.has(job.state)) stop();
}

function stop() {
  if (socket) socket.close();
  socket = null;
  if (poller) window.clearInterval(poller);
  poller = null;
}

async function poll() {
  if (Date.now() - lastMessage < 3000) return;
  try {
    const response = await fetch(root.dataset.apiUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.ok) apply(await response.json());
  } catch {
    // offline for a moment: the next tick tries again
  }
}

render(current);
if (!FINISHED.has(current.state)) {
  socket = new LiveSocket(root.dataset.socketPath, {
    onMessage(message) {
      lastMessage = Date.now();
      if (message.type === "job_progress") apply(message.job);
    },
  });
  poller = window.setInterval(poll, 2000);
}
