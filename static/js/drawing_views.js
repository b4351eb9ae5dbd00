// Pieces of the drawing round that phones, the console and the projector share: a drawing as SVG
// (from its strokes, so the wall needs no image), the training progress and its results.
const SVG = "http://www.w3.org/2000/svg";

// A drawing's strokes as an SVG (black ink on white), any size, crisp on a projector.
export function drawingSvg(drawing, label = "") {
  const size = drawing?.size || 1024;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("class", "drawing-svg");
  svg.setAttribute("role", "img");
  if (label) svg.setAttribute("aria-label", label);
  for (const stroke of drawing?.strokes || []) {
    const points = [];
    for (let i = 0; i + 1 < stroke.length; i += 2) points.push(`${stroke[i]},${stroke[i + 1]}`);
    const line = document.createElementNS(SVG, points.length > 1 ? "polyline" : "circle");
    if (points.length > 1) {
      line.setAttribute("points", points.join(" "));
    } else {
      line.setAttribute("cx", stroke[0]);
      line.setAttribute("cy", stroke[1]);
      line.setAttribute("r", size * 0.012);
    }
    svg.append(line);
  }
  return svg;
}

// An element with attributes and children (strings or nodes).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) if (child !== null && child !== undefined && child !== "") node.append(child);
  return node;
}

// The question kinds that are rounds: the class makes the data set and trains on it.
export const isRound = (kind) => kind === "drawing" || kind === "text_round";

const percent = (p) => `${Math.round((p || 0) * 100)}%`;

// "house 93% · fish 5% · sun 1%" as bars.
export function guessList(top) {
  const list = el("ol", { class: "guess-list" });
  for (const guess of top || []) {
    const bar = el("span", { class: "guess-bar" });
    bar.style.width = percent(guess.probability);
    list.append(el("li", {}, el("span", { class: "guess-name" }, guess.prompt || guess.label), el("span", { class: "guess-p" }, percent(guess.probability)), bar));
  }
  return list;
}

// The words of a routed sentence that pushed it to its top label ("환불" -> refund).
export function wordList(words) {
  const pushing = (words || []).filter((w) => w.weight > 0);
  if (!pushing.length) return null;
  const line = el("p", { class: "route-words", "data-testid": "route-words" }, gettext("Decided by:") + " ");
  for (const w of pushing) line.append(el("mark", {}, w.word), " ");
  return line;
}

// "Possible or impossible?" settled: the class's vote beside what the model they built measured.
function settleText(settle, textRound) {
  const votes = settle.options.map((o) => interpolate(gettext("%s said “%s”"), [percent(o.share), o.text])).join(", ");
  const measured = textRound
    ? interpolate(gettext("the model you built routes %s of new sentences correctly."), [percent(settle.accuracy)])
    : interpolate(gettext("the model you built recognises %s of new drawings."), [percent(settle.accuracy)]);
  return interpolate(gettext("“%s”: %s; %s"), [settle.prompt, votes, measured]);
}

// The training's state in words, a progress bar and, once done, the held-out accuracy.
export function renderTraining(container, training) {
  container.replaceChildren();
  if (!training) {
    container.hidden = true;
    return;
  }
  container.hidden = false;
  const progress = el("progress", { max: "1", value: String(training.progress || 0), "data-testid": "training-progress" });
  const textRound = training.kind === "text_round";
  let text;
  if (training.state === "queued") text = gettext("Training is queued…");
  else if (training.state === "running") {
    if (textRound) text = gettext("The model is learning from the class's sentences…");
    else text = training.epochs
      ? interpolate(gettext("The model is learning from the class's drawings: round %s of %s"), [training.epoch, training.epochs])
      : gettext("The model is learning from the class's drawings…");
  } else if (training.state === "succeeded" && training.result) {
    const r = training.result;
    if (textRound) text = r.heldout === false
      ? gettext("Trained! (Too few sentences to keep some back for a fair test.)")
      : interpolate(gettext("Trained! It routes %s of sentences it never saw to the right label (guessing blindly: %s)."), [percent(r.accuracy), percent(r.baseline_accuracy)]);
    else text = r.heldout === false
      ? gettext("Trained! (Too few drawings to keep some back for a fair test.)")
      : interpolate(gettext("Trained! It recognises %s of drawings it never saw (guessing blindly: %s)."), [percent(r.accuracy), percent(r.baseline_accuracy)]);
  } else if (training.state === "failed") text = training.error || gettext("Training failed.");
  else text = gettext("Training was cancelled.");
  container.append(el("p", { class: "training-text", "data-testid": "training-text" }, text));
  const settle = training.state === "succeeded" && training.result?.settle;
  if (settle && training.result.heldout !== false) {
    container.append(el("p", { class: "settle", "data-testid": "settle" }, settleText(settle, textRound)));
  }
  if (training.state === "queued" || training.state === "running") container.append(progress);
}

// Which prompt was taken for which: rows are what was drawn, columns what the model said.
export function confusionTable(result, prompts) {
  const names = Object.fromEntries((prompts || []).map((p) => [p.key, p.text]));
  const labels = result?.labels || [];
  const matrix = result?.confusion_matrix;
  if (!matrix || !labels.length) return null;
  // tabindex: the table scrolls sideways in a narrow panel, and a keyboard must be able to scroll it (2.1.1).
  const table = el("table", { class: "confusion", tabindex: "0" });
  table.append(el("caption", {}, gettext("Held-out drawings: rows are what was drawn, columns what the model guessed.")));
  const head = el("tr", {}, el("th", { scope: "col" }, ""));
  for (const label of labels) head.append(el("th", { scope: "col" }, names[label] || label));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const tr = el("tr", {}, el("th", { scope: "row" }, names[labels[i]] || labels[i]));
    row.forEach((n, j) => {
      const cell = el("td", { class: i === j ? "diag" : n ? "miss" : "" }, String(n));
      cell.style.setProperty("--share", String(n / total));
      tr.append(cell);
    });
    body.append(tr);
  });
  table.append(body);
  return table;
}

// Per prompt: how many drawings the class made (the data behind each class).
export function countBars(counts, prompts) {
  const list = el("ul", { class: "class-counts", "data-testid": "class-counts" });
  const max = Math.max(1, ...Object.values(counts || {}));
  for (const prompt of prompts || []) {
    const n = counts?.[prompt.key] || 0;
    const bar = el("span", { class: "count-bar" });
    bar.style.width = `${(100 * n) / max}%`;
    list.append(el("li", {}, el("span", { class: "count-name" }, prompt.text), el("span", { class: "count-n" }, String(n)), bar));
  }
  return list;
}

// Why it fails, in words: the class with the fewest drawings and the pairs most often confused.
export function failureNotes(result, prompts, counts) {
  const names = Object.fromEntries((prompts || []).map((p) => [p.key, p.text]));
  const labels = result?.labels || [];
  const matrix = result?.confusion_matrix || [];
  const notes = [];
  const pairs = [];
  matrix.forEach((row, i) => row.forEach((n, j) => { if (i !== j && n) pairs.push([n, i, j]); }));
  pairs.sort((a, b) => b[0] - a[0]);
  for (const [n, i, j] of pairs.slice(0, 2)) {
    notes.push(interpolate(gettext("%s was taken for %s %s times: they look alike to the model."), [names[labels[i]] || labels[i], names[labels[j]] || labels[j], n]));
  }
  const entries = Object.entries(counts || {});
  if (entries.length > 1) {
    entries.sort((a, b) => a[1] - b[1]);
    const [key, fewest] = entries[0];
    const most = entries[entries.length - 1][1];
    if (fewest < most / 2) {
      notes.push(interpolate(gettext("%s has only %s drawings (the most: %s): too few examples to learn it well."), [names[key] || key, fewest, most]));
    }
  }
  if (!notes.length) return null;
  const list = el("ul", { class: "failure-notes", "data-testid": "failure-notes" });
  for (const text of notes) list.append(el("li", {}, text));
  return list;
}
