// Screen-reader announcements on the phone (WCAG 4.1.3): a live region that lives outside the views
// play.js shows and hides, so what appears in a newly shown view is read out. It only watches the
// page (a MutationObserver on the views' `hidden` attribute and on the answer status and errors):
// play.js needs no change. The texts read are those already on screen.

const root = document.getElementById("play");
const region = document.getElementById("play-announcer");

const text = (selector) => {
  const node = root.querySelector(selector);
  return node && !node.closest("[hidden]") ? node.textContent.trim() : "";
};

function summary(view) {
  switch (view) {
    case "question": {
      const options = [...root.querySelectorAll('[data-role="choices"] .choice')].map((b) => b.textContent.trim());
      return [text('[data-role="progress"]'), text('[data-role="prompt"]'), options.join(", ")];
    }
    case "drawing":
      return [text('[data-role="draw-progress"]'), text('[data-role="draw-title"]')];
    case "reveal":
      return [
        text('[data-role="verdict"]'),
        text('[data-role="correct-answer"]'),
        text('[data-role="explanation"]'),
        text('[data-role="score-line"]'),
      ];
    case "ended":
      return [text('[data-view="ended"] h1'), text('[data-role="final"]')];
    case "lobby":
      return [text('[data-role="hello"]'), text('[data-view="lobby"] .lead')];
    default:
      return [];
  }
}

let pending = 0;
function announce(parts) {
  const message = parts.filter(Boolean).join(". ");
  if (!message) return;
  window.clearTimeout(pending);
  // Empty first, then fill: the same words twice in a row are read again.
  region.textContent = "";
  pending = window.setTimeout(() => {
    region.textContent = message;
  }, 100);
}

if (root && region) {
  new MutationObserver((records) => {
    for (const record of records) {
      const view = record.target;
      if (record.attributeName === "hidden" && view.dataset.view && !view.hidden) {
        // play.js fills a view and shows it in the same task; read it once that task is done.
        window.setTimeout(() => announce(summary(view.dataset.view)), 50);
      }
    }
  }).observe(root, { attributes: true, attributeFilter: ["hidden"], subtree: true });
}
