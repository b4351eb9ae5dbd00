// Screen-reader announcements on the phone (WCAG 4.1.3): a live region that lives outside the views
// play.js shows and hides, so what appears in a newly shown view is read out. It only watches the
// page (a MutationObserver on the views' `hidden` attribute and on the countdowns' text): play.js
// needs no change. The texts read are those already on screen.
//
// The countdown is read at sensible moments, never every second: the time to answer when a question
// opens, then at 10 and 5 seconds left, and "Time is up." at zero (WCAG 2.2.1, 4.1.3).

const root = document.getElementById("play");
const region = document.getElementById("play-announcer");

const text = (selector) => {
  const node = root.querySelector(selector);
  return node && !node.closest("[hidden]") ? node.textContent.trim() : "";
};

function summary(view) {
  switch (view) {
    case "question": {
      const options = [...root.querySelectorAll('[data-role="choices"] .choice, [data-role="ordering-list"] .ordering-text')]
        .filter((node) => !node.closest("[hidden]"))
        .map((b) => b.textContent.trim());
      return [text('[data-role="progress"]'), text('[data-role="prompt"]'), options.join(", "), timeToAnswer("countdown")];
    }
    case "drawing":
      return [text('[data-role="draw-progress"]'), text('[data-role="draw-title"]'), timeToAnswer("countdown-draw")];
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

// The countdowns (the question's and the drawing round's) and the moments they are read at.
const COUNTDOWNS = ["countdown", "countdown-draw"];
const MOMENTS = [10, 5, 0];
const spoken = new Map(); // countdown role -> the moments already past (read, or never reached)

function secondsLeft(role) {
  const raw = text(`[data-role="${role}"]`);
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

// When a question opens: how long there is to answer; the moments already past are not read later.
function timeToAnswer(role) {
  const left = secondsLeft(role);
  spoken.set(role, new Set(MOMENTS.filter((moment) => left === null || moment >= left)));
  if (!left) return "";
  return interpolate(ngettext("%s second to answer", "%s seconds to answer", left), [left]);
}

function onTick(role) {
  const past = spoken.get(role);
  const left = secondsLeft(role);
  if (!past || left === null) return;
  const moment = MOMENTS.find((m) => left <= m && !past.has(m));
  if (moment === undefined) return;
  for (const m of MOMENTS) if (m >= left) past.add(m);
  announce([left === 0 ? gettext("Time is up.") : interpolate(ngettext("%s second left", "%s seconds left", left), [left])]);
}

if (root && region) {
  // play.js asks for a sentence to be read (an ordering item's new place): the same live region.
  root.addEventListener("a2b:announce", (event) => announce([event.detail]));
  for (const role of COUNTDOWNS) {
    const node = root.querySelector(`[data-role="${role}"]`);
    if (node) new MutationObserver(() => onTick(role)).observe(node, { childList: true, characterData: true, subtree: true });
  }
  new MutationObserver((records) => {
    for (const record of records) {
      const view = record.target;
      if (record.attributeName === "hidden" && view.dataset.view && !view.hidden) {
        spoken.clear(); // a new view: its countdown is read from its own start
        // play.js fills a view and shows it in the same task; read it once that task is done.
        window.setTimeout(() => announce(summary(view.dataset.view)), 50);
      }
    }
  }).observe(root, { attributes: true, attributeFilter: ["hidden"], subtree: true });
}
