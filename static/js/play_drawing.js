// The student's drawing round: draw the assigned prompt, send it, follow the training, then the
// guess round where the model guesses while you draw. A text round (the call-centre router) uses
// the same view without the pad: write a sentence for your label, then type new sentences and
// watch where the model routes them, and which words decided it.
import { DrawingPad } from "./drawing_pad.js";
import { guessList, renderTraining, wordList } from "./drawing_views.js";

// Ask for a guess at most this often while drawing (the server allows 8 a second).
const GUESS_EVERY_MS = 350;
// While typing in a route round: at most one route every ROUTE_EVERY_MS (about 3 a second), and
// never a second one while the first is unanswered (for at most ROUTE_WAIT_MS): the newest text is
// sent when the answer comes. A class typing at once then asks only as fast as the server answers.
const ROUTE_EVERY_MS = 350;
const ROUTE_WAIT_MS = 2000;

export class DrawingRound {
  constructor(root, send) {
    this.root = root;
    this.send = send;
    this.$ = (role) => root.querySelector(`[data-role="${role}"]`);
    this.round = null;
    this.questionId = null;
    this.sent = false;
    this.label = null;
    this.lastGuessAt = 0;
    this.guessTimer = null;
    this.routeCount = 0;
    this.routeWaiting = null; // {id, at} of the route not answered yet
    this.routedText = "";
    this.pad = new DrawingPad(this.$("pad"), {
      ariaLabel: gettext("Drawing area: draw with your finger or the mouse"),
      onChange: () => this.changed(),
      onFull: () => { this.$("draw-status").textContent = gettext("The drawing is full: send it or undo a little."); },
    });
    this.$("undo").addEventListener("click", () => { this.pad.undo(); this.changed(); });
    this.$("clear").addEventListener("click", () => { this.pad.clear(); this.changed(); });
    this.$("send-drawing").addEventListener("click", () => this.submit());
    // A student who cannot draw describes the prompt in words instead (collect phase only).
    this.$("describe-toggle").addEventListener("click", () => {
      const form = this.$("describe-form");
      form.hidden = !form.hidden;
      this.$("describe-toggle").setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) this.$("describe-text").focus();
    });
    this.$("describe-form").addEventListener("submit", (event) => { event.preventDefault(); this.submitDescription(); });
    this.$("describe-text").addEventListener("input", () => this.typed());
  }

  // A drawing question opened (or a reconnect restored it).
  show(question, round, prompt, sent = null) {
    this.questionId = question.id;
    this.textRound = question.kind === "text_round";
    this.round = round;
    this.prompt = prompt;
    this.sent = Boolean(sent);
    this.label = null;
    this.pad.clear();
    if (sent?.strokes?.strokes) this.pad.load(sent.strokes);
    this.$("describe-text").value = sent?.description || "";
    this.$("describe-form").hidden = !sent?.description && !this.textRound;
    this.render();
  }

  isFor(questionId) {
    return this.round && this.questionId === questionId;
  }

  render() {
    const guessing = this.round?.phase === "guess";
    if (this.textRound) return this.renderText(guessing);
    this.root.querySelector(".pad-frame").hidden = false;
    this.root.querySelector(".pad-tools").hidden = false;
    this.$("describe-label").textContent = gettext("Describe it in words");
    this.$("send-description").textContent = gettext("Send my description");
    this.$("draw-title").textContent = guessing
      ? gettext("Guess round: draw any of these, and watch the model guess")
      : interpolate(gettext("Draw: %s"), [this.prompt?.text || ""]);
    this.renderPicker(guessing, gettext("What did you draw?"));
    this.$("live-guesses").replaceChildren();
    const locked = this.sent && !guessing;
    this.pad.setEnabled(!locked);
    for (const role of ["undo", "clear", "send-drawing", "describe-text", "send-description"]) this.$(role).disabled = locked;
    this.$("describe-toggle").hidden = guessing || locked;
    this.$("send-description").hidden = locked;
    if (guessing) this.$("describe-form").hidden = true;
    this.$("draw-status").textContent = locked ? gettext("Your drawing is in! Watch the screen.") : "";
    renderTraining(this.$("draw-training"), this.round?.training);
  }

  // The text round: no pad; the sentence box is the whole input.
  renderText(guessing) {
    this.root.querySelector(".pad-frame").hidden = true;
    this.root.querySelector(".pad-tools").hidden = true;
    this.$("describe-toggle").hidden = true;
    this.$("describe-form").hidden = false;
    this.$("draw-title").textContent = guessing
      ? gettext("Route round: type a new sentence and watch where the model sends it")
      : interpolate(gettext("Write what a customer might say for: %s"), [this.prompt?.text || ""]);
    this.$("describe-label").textContent = guessing ? gettext("A new sentence") : gettext("Your sentence");
    this.$("send-description").textContent = gettext("Send my sentence");
    this.renderPicker(guessing, gettext("Which label did you mean?"));
    this.$("live-guesses").replaceChildren();
    const locked = this.sent && !guessing;
    this.$("describe-text").disabled = locked;
    this.$("send-description").disabled = locked;
    this.$("send-description").hidden = locked;
    this.$("draw-status").textContent = locked ? gettext("Your sentence is in! Watch the screen.") : "";
    renderTraining(this.$("draw-training"), this.round?.training);
  }

  renderPicker(guessing, name) {
    const picker = this.$("label-picker");
    picker.hidden = !guessing;
    if (name) picker.setAttribute("aria-label", name);
    picker.replaceChildren();
    if (!guessing) return;
    for (const p of this.round.prompts) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "label-choice";
      button.textContent = p.text;
      button.setAttribute("aria-pressed", String(this.label === p.key));
      button.addEventListener("click", () => { this.label = p.key; this.renderPickerState(); });
      picker.append(button);
    }
  }

  renderPickerState() {
    const buttons = this.$("label-picker").querySelectorAll("button");
    this.round.prompts.forEach((p, i) => buttons[i]?.setAttribute("aria-pressed", String(this.label === p.key)));
  }

  // Live routing while typing (text round, guess phase): throttled, one route in flight.
  typed() {
    if (!this.textRound || this.round?.phase !== "guess") return;
    const text = this.$("describe-text").value.trim();
    window.clearTimeout(this.guessTimer);
    if (!text) {
      this.routedText = "";
      return this.$("live-guesses").replaceChildren();
    }
    if (text === this.routedText) return;
    const now = Date.now();
    const waiting = this.routeWaiting && now - this.routeWaiting.at < ROUTE_WAIT_MS;
    const wait = waiting ? this.routeWaiting.at + ROUTE_WAIT_MS - now : this.lastGuessAt + ROUTE_EVERY_MS - now;
    if (wait > 0) {
      this.guessTimer = window.setTimeout(() => this.typed(), wait);
      return;
    }
    this.lastGuessAt = now;
    this.routeCount += 1;
    this.routeWaiting = { id: `r${this.routeCount}`, at: now };
    this.routedText = text;
    this.send({ type: "route", question_id: this.questionId, text, id: this.routeWaiting.id });
  }

  // A route's answer (or error) came: the next one may go, if the text changed meanwhile.
  routeAnswered(id) {
    if (!this.routeWaiting || this.routeWaiting.id !== id) return;
    this.routeWaiting = null;
    this.typed();
  }

  showRouted(top, words) {
    const list = guessList(top);
    const why = wordList(words);
    this.$("live-guesses").replaceChildren(...[list, why].filter(Boolean));
  }

  changed() {
    if (!(this.sent && this.round?.phase !== "guess")) this.$("draw-status").textContent = "";
    if (this.round?.phase !== "guess" || this.pad.isEmpty()) return;
    const wait = this.lastGuessAt + GUESS_EVERY_MS - Date.now();
    window.clearTimeout(this.guessTimer);
    if (wait > 0) {
      this.guessTimer = window.setTimeout(() => this.changed(), wait);
      return;
    }
    this.lastGuessAt = Date.now();
    this.send({ type: "guess", question_id: this.questionId, drawing: this.pad.toJSON() });
  }

  submit() {
    if (this.pad.isEmpty()) {
      this.$("draw-status").textContent = gettext("Draw something first.");
      return;
    }
    const guessing = this.round?.phase === "guess";
    if (guessing && !this.label) {
      this.$("draw-status").textContent = gettext("Tap what you drew first, so the model can learn from it.");
      return;
    }
    const frame = { type: "drawing", question_id: this.questionId, drawing: this.pad.toJSON(), id: `d${Date.now()}` };
    if (guessing) frame.label = this.label;
    const ok = this.send(frame);
    this.$("draw-status").textContent = ok ? gettext("Sending…") : gettext("Not connected; try again in a moment.");
  }

  submitDescription() {
    const text = this.$("describe-text").value.trim();
    if (!text) {
      this.$("draw-status").textContent = gettext("Write a few words first.");
      this.$("describe-text").focus();
      return;
    }
    const frame = { type: "drawing_text", question_id: this.questionId, text, id: `t${Date.now()}` };
    if (this.textRound && this.round?.phase === "guess") {
      if (!this.label) {
        this.$("draw-status").textContent = gettext("Tap the label you meant first, so the model can learn from it.");
        return;
      }
      frame.label = this.label;
    }
    const ok = this.send(frame);
    this.$("draw-status").textContent = ok ? gettext("Sending…") : gettext("Not connected; try again in a moment.");
  }

  // Messages about the round; returns true when handled.
  onMessage(data) {
    switch (data.type) {
      case "drawing_received":
        if (data.question_id !== this.questionId) return true;
        if (data.phase === "collect") {
          this.sent = true;
          this.render();
          if (data.description && !this.textRound) this.$("draw-status").textContent = gettext("Your description is in! Watch the screen.");
        } else {
          const list = guessList(data.guesses);
          const status = this.$("draw-status");
          status.textContent = gettext("Sent! It joins the class's data. The model thought:");
          this.$("live-guesses").replaceChildren(list);
          this.pad.clear();
          if (this.textRound) this.$("describe-text").value = "";
        }
        return true;
      case "guesses":
        if (data.question_id === this.questionId) this.$("live-guesses").replaceChildren(guessList(data.top));
        return true;
      case "routed":
        if (data.question_id === this.questionId && !data.superseded && this.$("describe-text").value.trim()) {
          this.showRouted(data.top, data.words);
        }
        this.routeAnswered(data.id);
        return true;
      case "training":
        if (this.round && data.question_id === this.questionId) {
          this.round.training = data.training;
          renderTraining(this.$("draw-training"), data.training);
          renderTraining(this.root.querySelector('[data-role="reveal-training"]'), data.training);
        }
        return true;
      case "guess_round":
        if (data.question_id !== this.questionId) return true;
        this.round = data;
        this.sent = false;
        this.pad.clear();
        this.render();
        return false; // play.js shows the drawing view
      default:
        return false;
    }
  }

  error(data) {
    if (this.routeWaiting && data.ref === this.routeWaiting.id) {
      this.routeWaiting = null; // a refused route: the next keystroke may ask again
      this.routedText = "";
    }
    this.$("draw-status").textContent = data.message;
    if (data.code === "drawing_already_sent") { this.sent = true; this.render(); this.$("draw-status").textContent = data.message; }
  }
}
