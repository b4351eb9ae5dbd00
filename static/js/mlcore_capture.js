// Webcam capture on an image data set's page: each "Capture" posts one picture with its class
// to the REST API (POST /api/datasets/<id>/images/), the same checked path as file uploads.
import { csrfToken } from "./app.js";

const box = document.querySelector("[data-role=camera]");
if (box) {
  const video = box.querySelector("[data-role=video]");
  const label = box.querySelector("[data-role=camera-label]");
  const status = box.querySelector("[data-role=camera-status]");
  const start = box.querySelector("[data-action=start]");
  const capture = box.querySelector("[data-action=capture]");
  let count = 0;

  start.addEventListener("click", async () => {
    if (!navigator.mediaDevices?.getUserMedia) {
      status.textContent = gettext("This browser cannot use the camera here (it needs HTTPS).");
      return;
    }
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      capture.disabled = false;
      status.textContent = "";
    } catch {
      status.textContent = gettext("The camera could not be started. Allow it in the browser's settings.");
    }
  });

  capture.addEventListener("click", async () => {
    const name = label.value.trim();
    if (!name) {
      status.textContent = gettext("Type the class first.");
      label.focus();
      return;
    }
    const side = Math.min(video.videoWidth, video.videoHeight);
    if (!side) return;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 256;
    canvas.getContext("2d").drawImage(
      video, (video.videoWidth - side) / 2, (video.videoHeight - side) / 2, side, side, 0, 0, 256, 256,
    );
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
    const body = new FormData();
    body.append("label", name);
    body.append("file", blob, `camera-${Date.now()}.jpg`);
    capture.disabled = true;
    try {
      const response = await fetch(box.dataset.uploadUrl, {
        method: "POST", body, headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin",
      });
      const data = await response.json();
      if (!response.ok) {
        status.textContent = data.error?.message || gettext("The picture could not be added.");
      } else {
        count += 1;
        status.textContent = interpolate(gettext("%(count)s pictures added. Reload the page to see them."), { count }, true);
      }
    } catch {
      status.textContent = gettext("The picture could not be sent. Check the connection.");
    } finally {
      capture.disabled = false;
    }
  });
}
