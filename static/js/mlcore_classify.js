// A classification job's page: follows /ws/classifications/<id>/ (or polls the REST API) and
// reloads once, when the job has finished, to show the table of results.
import { LiveSocket } from "./live_socket.js";

const root = document.getElementById("ml-classification");
const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

if (root && root.dataset.finished !== "true") {
  let lastMessage = 0;
  let done = false;
  const update = (job) => {
    if (!job || done) return;
    root.querySelector("[data-role=done]").textContent = String(job.done);
    root.querySelector("[data-role=bar]").style.width = `${Math.round(100 * job.progress)}%`;
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
    if (Date.now() - lastMessage < 3000) return;
    try {
      const response = await fetch(root.dataset.apiUrl, { credentials: "same-origin" });
      if (response.ok) update(await response.json());
    } catch {
      // try again at the next tick
    }
  }, 2000);
}
