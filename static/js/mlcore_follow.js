// Follow queued or running mlcore jobs live: from the job's socket (data-socket-path:
// /ws/jobs|classifications|learning-curves/<id>/), or by polling its REST snapshot (data-api-url)
// while the socket is quiet (see docs/jobs.md). Used by every page that shows a job:
// * an element with data-ml-follow (classification, learning curves): [data-role=bar] (its width),
//   [data-role=progressbar] (aria-valuenow), [data-role=percent], [data-role=eta], [data-role=state],
//   and [data-field=<key>] shows job[key]; the page reloads once the job has finished, to show the
//   result the server renders.
// * the training page (#ml-job, its first snapshot in #job-snapshot): progress, ETA and the
//   loss/accuracy curves, drawn in place.
import { LiveSocket } from "./live_socket.js";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);
const STATES = {
  queued: gettext("Queued"),
  running: gettext("Running"),
  succeeded: gettext("Succeeded"),
  failed: gettext("Failed"),
  cancelled: gettext("Cancelled"),
};

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? interpolate(gettext("%(s)s s"), { s }, true)
    : interpolate(gettext("%(m)s min %(s)s s"), { m: Math.floor(s / 60), s: s % 60 }, true);
}

// The one follower: onJob(job) for every newer state of the job (from the socket, or from polling
// while no message came for 3 s), until it has finished; then the socket and the polling stop.
function followJob(root, { id = null, revision = -1, onJob }) {
  let lastMessage = 0;
  let current = revision;
  let stopped = false;
  let socket = null;
  let poller = null;
  const stop = () => {
    stopped = true;
    if (socket) socket.close();
    if (poller) window.clearInterval(poller);
  };
  const apply = (job) => {
    if (!job || stopped || (id !== null && job.id !== id) || job.revision < current) return;
    current = job.revision;
    onJob(job);
    if (FINISHED.has(job.state)) stop();
  };
  socket = new LiveSocket(root.dataset.socketPath, {
    onMessage(message) {
      lastMessage = Date.now();
      if (message.type === "job_progress") apply(message.job);
    },
  });
  poller = window.setInterval(async () => {
    if (stopped || Date.now() - lastMessage < 3000) return;
    try {
      const response = await fetch(root.dataset.apiUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) apply(await response.json());
    } catch {
      // offline for a moment: the next tick tries again
    }
  }, 2000);
}

// --- data-ml-follow: update the marked parts, reload when finished ---------------------------------

function renderParts(root, job) {
  const part = (role) => root.querySelector(`[data-role=${role}]`);
  const pct = Math.round(100 * (job.progress || 0));
  if (part("bar")) part("bar").style.width = `${pct}%`;
  part("progressbar")?.setAttribute("aria-valuenow", String(pct));
  if (part("percent")) part("percent").textContent = `${pct}%`;
  if (part("eta")) part("eta").textContent = job.state === "running" ? duration(job.eta_seconds) : "–";
  if (part("state")) {
    part("state").textContent = STATES[job.state] || job.state;
    part("state").className = `ml-state ${job.state}`;
  }
  for (const el of root.querySelectorAll("[data-field]")) {
    const value = job[el.dataset.field];
    if (value !== undefined && value !== null) el.textContent = String(value);
  }
  if (FINISHED.has(job.state)) window.location.reload();
}

// --- the training page: progress and curves drawn in place -----------------------------------------

const SVG = "http://www.w3.org/2000/svg";

function number(value, digits = 3) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

function percent(value) {
  return value === null || value === undefined ? "–" : `${(100 * value).toFixed(1)}%`;
}

function node(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

// The charts' text equivalent (WCAG 1.1.1): one row per epoch, the numbers the lines are drawn from.
function renderHistory(tbody, history) {
  if (!tbody) return;
  tbody.replaceChildren(...history.map((h) => {
    const row = document.createElement("tr");
    const cells = [h.epoch ?? "–", number(h.train_loss), number(h.val_loss), percent(h.train_accuracy), percent(h.val_accuracy)];
    for (const value of cells) {
      const cell = document.createElement("td");
      cell.textContent = String(value);
      row.append(cell);
    }
    return row;
  }));
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

function renderTraining(root, job) {
  const part = (role) => root.querySelector(`[data-role=${role}]`);
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
  renderHistory(part("history-rows"), job.history);
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

// --- start ---------------------------------------------------------------------------------------

for (const root of document.querySelectorAll("[data-ml-follow]")) {
  if (root.dataset.finished !== "true") followJob(root, { onJob: (job) => renderParts(root, job) });
}

const training = document.getElementById("ml-job");
if (training) {
  const first = JSON.parse(document.getElementById("job-snapshot").textContent);
  renderTraining(training, first);
  if (!FINISHED.has(first.state)) {
    followJob(training, { id: first.id, revision: first.revision, onJob: (job) => renderTraining(training, job) });
  }
}
