// Follow a queued or running mlcore job on its page: every element with data-ml-follow (its
// data-socket-path: /ws/jobs|classifications|learning-curves/<id>/, its data-api-url: the REST
// snapshot) gets the job's progress live from the socket, or by polling the API while the socket is
// not open, and the page reloads once the job has finished, to show the result the server renders.
// Inside the element: [data-role=bar] (its width), [data-role=progressbar] (aria-valuenow),
// [data-role=percent], [data-role=eta], [data-role=state], and [data-field=<key>] shows job[key].
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

function follow(root) {
  let lastMessage = 0;
  let revision = -1;
  let done = false;
  const part = (role) => root.querySelector(`[data-role=${role}]`);
  const update = (job) => {
    if (!job || done || job.revision < revision) return;
    revision = job.revision;
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
    if (FINISHED.has(job.state)) {
      done = true;
      window.location.reload();
    }
  };
  new LiveSocket(root.dataset.socketPath, {
    onMessage(message) {
      lastMessage = Date.now();
      if (message.type === "job_progress") update(message.job);
    },
  });
  window.setInterval(async () => {
    if (done || Date.now() - lastMessage < 3000) return;
    try {
      const response = await fetch(root.dataset.apiUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) update(await response.json());
    } catch {
      // offline for a moment: the next tick tries again
    }
  }, 2000);
}

for (const root of document.querySelectorAll("[data-ml-follow]")) {
  if (root.dataset.finished !== "true") follow(root);
}
