// The drawing round on the console and the projector: counts per prompt, the live wall of
// drawings (drawn from their strokes as they arrive), training progress and results. The console
// adds the instructor's controls: hide or remove a drawing, train, start the guess round.
import { confusionTable, countBars, drawingSvg, el, failureNotes, guessList, renderTraining } from "./drawing_views.js";

// The wall keeps at most this many drawings in the page (the newest); counts cover them all.
const WALL_LIMIT = 400;

export class DrawingWall {
  constructor(container, { controls = false, send = null } = {}) {
    this.container = container;
    this.controls = controls;
    this.send = send;
    this.round = null;
    this.items = new Map();
    const $ = (role) => container.querySelector(`[data-role="${role}"]`);
    this.$ = $;
    if (controls) {
      $("train").addEventListener("click", () => {
        const doodles = $("with-doodles").checked ? Number($("doodles-per-class").value || 0) : 0;
        this.send("train", { doodles_per_class: doodles });
      });
      $("guess-round").addEventListener("click", () => this.send("guess_round"));
      $("curve").addEventListener("click", () => this.send("curve"));
    }
  }

  get active() {
    return Boolean(this.round);
  }

  // Every host message passes through here; the wall keeps only what concerns the round.
  onMessage(data) {
    switch (data.type) {
      case "host_state":
        this.reset(data.session && data.question?.kind === "drawing" ? data.drawing : null);
        break;
      case "question":
        this.reset(data.question.kind === "drawing" ? data.drawing : null);
        break;
      case "reveal":
        if (data.drawing) this.update(data.drawing);
        break;
      case "guess_round":
        this.update(data);
        break;
      case "drawings_added":
        if (!this.round || data.question_id !== this.round.question_id) return;
        for (const drawing of data.drawings) this.add(drawing);
        this.round.counts = data.counts;
        this.renderCounts();
        break;
      case "drawing_hidden": {
        const item = this.items.get(data.drawing_id);
        if (item) { item.drawing.hidden = data.hidden; this.paint(item); }
        break;
      }
      case "drawing_removed": {
        const item = this.items.get(data.drawing_id);
        if (item) { item.node.remove(); this.items.delete(data.drawing_id); }
        if (this.round) { this.round.counts = data.counts; this.renderCounts(); }
        break;
      }
      case "training":
        if (this.round && data.question_id === this.round.question_id) {
          this.round.training = data.training;
          this.renderTrainingPanel();
        }
        break;
      case "curve":
        if (this.round && data.question_id === this.round.question_id) {
          this.round.curve = data.curve;
          this.renderCurve();
        }
        break;
      case "session_ended":
        this.reset(null);
        break;
      default:
        return;
    }
  }

  reset(round) {
    this.round = round ? { ...round } : null;
    this.items.clear();
    this.$("wall").replaceChildren();
    this.container.hidden = !round;
    if (!round) return;
    for (const drawing of round.wall || []) this.add(drawing);
    this.renderAll();
  }

  update(round) {
    if (!this.round || round.question_id !== this.round.question_id) return this.reset(round);
    Object.assign(this.round, round);
    this.renderAll();
  }

  renderAll() {
    this.renderCounts();
    this.renderTrainingPanel();
    this.renderCurve();
    const guessing = this.round.phase === "guess";
    this.$("phase").textContent = guessing
      ? gettext("Guess round: students draw any prompt and the model guesses")
      : gettext("Students draw the prompt on their phones");
  }

  renderCounts() {
    this.$("counts").replaceChildren(countBars(this.round.counts, this.round.prompts));
    const total = Object.values(this.round.counts || {}).reduce((a, b) => a + b, 0);
    this.$("total").textContent = interpolate(ngettext("%s drawing", "%s drawings", total), [total]);
    if (this.controls) {
      const training = this.round.training;
      const running = training && (training.state === "queued" || training.state === "running");
      this.$("train").disabled = running;
      this.$("train").textContent = training ? gettext("Train again on all drawings") : gettext("Train the model");
      this.$("guess-round").disabled = !(training?.state === "succeeded") || this.round.phase === "guess";
    }
  }

  // The virtuous cycle: held-out accuracy against the number of drawings (an SVG made by the server).
  renderCurve() {
    const panel = this.$("curve-panel");
    const curve = this.round?.curve;
    panel.hidden = !curve;
    if (!curve) return;
    if (curve.state === "succeeded" && curve.svg) {
      const template = document.createElement("template");
      template.innerHTML = curve.svg; // the server's own chart: numbers and translated labels only
      panel.replaceChildren(template.content);
    } else if (curve.state === "failed" || curve.state === "cancelled") {
      panel.replaceChildren(el("p", { class: "error" }, curve.error || gettext("The learning curve could not be measured.")));
    } else {
      const bar = el("progress", { max: "1", value: String(curve.progress || 0) });
      panel.replaceChildren(el("p", {}, gettext("Training on growing shares of the drawings…")), bar);
    }
    if (this.controls) {
      const running = curve.state === "queued" || curve.state === "running";
      this.$("curve").disabled = running;
    }
  }

  renderTrainingPanel() {
    renderTraining(this.$("training"), this.round.training);
    const result = this.round.training?.state === "succeeded" ? this.round.training.result : null;
    const table = result ? confusionTable(result, this.round.prompts) : null;
    const notes = result ? failureNotes(result, this.round.prompts, this.round.counts) : null;
    this.$("confusion").replaceChildren(...[notes, table].filter(Boolean));
    this.$("why").hidden = !result;
    if (this.controls) this.renderCounts();
  }

  add(drawing) {
    if (this.items.has(drawing.id)) return;
    const node = el("li", { class: "wall-item", "data-testid": "wall-item", "data-drawing-id": String(drawing.id) });
    const item = { drawing, node };
    this.items.set(drawing.id, item);
    this.paint(item);
    this.$("wall").prepend(node);
    while (this.items.size > WALL_LIMIT) {
      const [oldest] = this.items.keys();
      this.items.get(oldest).node.remove();
      this.items.delete(oldest);
    }
  }

  paint(item) {
    const { drawing, node } = item;
    node.classList.toggle("hidden-drawing", Boolean(drawing.hidden));
    node.hidden = Boolean(drawing.hidden) && !this.controls;
    const caption = el("figcaption", {}, el("strong", {}, drawing.prompt), " · ", drawing.nickname);
    // A description in words (a student who cannot draw) is a text card; textContent escapes it.
    const picture = drawing.description
      ? el("blockquote", { class: "drawing-description", "data-testid": "wall-description" }, el("span", { class: "visually-hidden" }, gettext("Described in words:")), " ", drawing.description)
      : drawingSvg(drawing.strokes, interpolate(gettext("%s, drawn by %s"), [drawing.prompt, drawing.nickname]));
    const figure = el("figure", {}, picture, caption);
    if (drawing.guesses?.length) {
      const best = drawing.guesses[0];
      const right = best.label === drawing.label;
      figure.append(el("p", { class: `wall-guess ${right ? "ok" : "bad"}` }, interpolate(gettext("Model: %s"), [best.prompt || best.label])));
      figure.append(guessList(drawing.guesses));
    }
    node.replaceChildren(figure);
    if (this.controls) {
      const hide = el("button", { type: "button", class: "link" }, drawing.hidden ? gettext("Show") : gettext("Hide"));
      hide.addEventListener("click", () => this.send("drawing_hide", { drawing_id: drawing.id, hidden: !drawing.hidden }));
      const remove = el("button", { type: "button", class: "link danger" }, gettext("Remove"));
      remove.addEventListener("click", () => {
        if (window.confirm(gettext("Remove this drawing from the wall and from the data set?"))) {
          this.send("drawing_remove", { drawing_id: drawing.id });
        }
      });
      node.append(el("div", { class: "wall-actions" }, hide, " ", remove));
    }
  }
}
