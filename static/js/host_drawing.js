// The drawing round on the console and the projector: counts per prompt, the live wall of
// drawings (drawn from their strokes as they arrive), training progress and results. The console
// adds the instructor's controls: hide or remove a drawing, train, start the guess round.
import { confusionTable, countBars, drawingSvg, el, failureNotes, guessList, isRound, renderTraining } from "./drawing_views.js";

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
        this.reset(data.session && isRound(data.question?.kind) ? data.drawing : null);
        break;
      case "question":
        this.reset(isRound(data.question.kind) ? data.drawing : null);
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
      case "drawing_spotlight":
        this.spotlight = data.drawing?.id ?? null;
        this.renderSpotlight(data.drawing);
        for (const item of this.items.values()) this.paint(item);
        break;
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

  // One contribution shown big on the projector (the console marks it); null clears it.
  renderSpotlight(drawing) {
    const box = this.$("spotlight");
    box.hidden = !drawing || this.controls;
    if (!drawing || this.controls) return box.replaceChildren();
    const item = { drawing, node: el("div", { class: "spotlight-item" }) };
    this.paint(item, { spotlight: true });
    box.replaceChildren(item.node);
  }

  reset(round) {
    this.spotlight = null;
    this.renderSpotlight(null);
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

  get textRound() {
    return this.round?.kind === "text_round";
  }

  renderAll() {
    this.renderCounts();
    this.renderTrainingPanel();
    this.renderCurve();
    const guessing = this.round.phase === "guess";
    if (this.textRound) {
      this.$("phase").textContent = guessing
        ? gettext("Route round: students type new sentences and the model routes them")
        : gettext("Students write an example sentence for their label on their phones");
    } else {
      this.$("phase").textContent = guessing
        ? gettext("Guess round: students draw any prompt and the model guesses")
        : gettext("Students draw the prompt on their phones");
    }
    this.$("counts-title").textContent = this.textRound ? gettext("Sentences per label") : gettext("Drawings per prompt");
    this.$("wall").setAttribute("aria-label", this.textRound ? gettext("The class's sentences") : gettext("The class's drawings"));
    if (this.controls) {
      this.$("doodle-controls").hidden = this.textRound;
      this.$("guess-round").textContent = this.textRound ? gettext("Start the route round") : gettext("Start the guess round");
    }
  }

  renderCounts() {
    this.$("counts").replaceChildren(countBars(this.round.counts, this.round.prompts));
    const total = Object.values(this.round.counts || {}).reduce((a, b) => a + b, 0);
    this.$("total").textContent = this.textRound
      ? interpolate(ngettext("%s sentence", "%s sentences", total), [total])
      : interpolate(ngettext("%s drawing", "%s drawings", total), [total]);
    if (this.controls) {
      const training = this.round.training;
      const running = training && (training.state === "queued" || training.state === "running");
      this.$("train").disabled = running;
      const again = this.textRound ? gettext("Train again on all sentences") : gettext("Train again on all drawings");
      this.$("train").textContent = training ? again : gettext("Train the model");
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
      const growing = this.textRound ? gettext("Training on growing shares of the sentences…") : gettext("Training on growing shares of the drawings…");
      panel.replaceChildren(el("p", {}, growing), bar);
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

  paint(item, { spotlight = false } = {}) {
    const { drawing, node } = item;
    node.classList.toggle("hidden-drawing", Boolean(drawing.hidden));
    node.hidden = Boolean(drawing.hidden) && !this.controls;
    const caption = el("figcaption", {}, el("strong", {}, drawing.prompt), " · ", drawing.nickname);
    // A description in words (a student who cannot draw) is a text card; textContent escapes it.
    const picture = drawing.description
      ? el("blockquote", { class: "drawing-description", "data-testid": "wall-description" }, el("span", { class: "visually-hidden" }, this.textRound ? gettext("Sentence:") : gettext("Described in words:")), " ", drawing.description)
      : drawingSvg(drawing.strokes, interpolate(gettext("%s, drawn by %s"), [drawing.prompt, drawing.nickname]));
    const figure = el("figure", {}, picture, caption);
    if (drawing.guesses?.length) {
      const best = drawing.guesses[0];
      const right = best.label === drawing.label;
      figure.append(el("p", { class: `wall-guess ${right ? "ok" : "bad"}` }, interpolate(gettext("Model: %s"), [best.prompt || best.label])));
      figure.append(guessList(drawing.guesses));
    }
    node.replaceChildren(figure);
    if (this.controls && !spotlight) {
      const shown = this.spotlight === drawing.id;
      const show = el("button", { type: "button", class: "link", "aria-pressed": String(shown), "data-testid": "spotlight-toggle" }, shown ? gettext("Take off the projector") : gettext("Show on the projector"));
      show.addEventListener("click", () => this.send("drawing_spotlight", { drawing_id: shown ? null : drawing.id }));
      const hide = el("button", { type: "button", class: "link" }, drawing.hidden ? gettext("Show") : gettext("Hide"));
      hide.addEventListener("click", () => this.send("drawing_hide", { drawing_id: drawing.id, hidden: !drawing.hidden }));
      const remove = el("button", { type: "button", class: "link danger" }, gettext("Remove"));
      remove.addEventListener("click", () => {
        const ask = this.textRound ? gettext("Remove this sentence from the wall and from the data set?") : gettext("Remove this drawing from the wall and from the data set?");
        if (window.confirm(ask)) {
          this.send("drawing_remove", { drawing_id: drawing.id });
        }
      });
      node.append(el("div", { class: "wall-actions" }, show, " ", hide, " ", remove));
    }
  }
}
