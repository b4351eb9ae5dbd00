// The projector: join code and QR, the question with its countdown, the chart after the reveal.
import { HostState, renderBars, renderOrderingReveal, renderRace, renderScale, renderSlide } from "./host_view.js";
import { DrawingWall } from "./host_drawing.js";
import { isRound } from "./drawing_views.js";
import { isWordCloud, renderCloud } from "./word_cloud.js";
import { Countdown, el, showView } from "./live_socket.js";

const root = document.getElementById("projector");
const $ = (role) => root.querySelector(`[data-role="${role}"]`);
const countdown = new Countdown($("countdown"));
const drawCountdown = new Countdown($("draw-countdown"));
const wall = new DrawingWall($("drawing-panel"));

function list(container, rows) {
  container.replaceChildren(...rows.map((r) => el("li", {}, `${r.nickname} · ${r.score}`)));
}

function render(state, message) {
  wall.onMessage(message);
  const session = state.session;
  $("count").textContent = String(state.people.size);
  if (!session || session.state === "lobby" || session.state === "running") {
    showView(root, "lobby");
    $("people").replaceChildren(...[...state.people.values()].slice(-60).map((p) => el("li", {}, p.nickname)));
    return;
  }
  if (session.state === "ended") {
    countdown.stop();
    const ranking = state.final || state.top;
    // Second, first, third: the winner stands in the middle, highest.
    const places = [[ranking[1], 2], [ranking[0], 1], [ranking[2], 3]].filter(([row]) => row);
    $("podium").replaceChildren(
      ...places.map(([row, place]) => {
        const step = el("div", { class: `step place-${place}` });
        step.append(el("span", { class: "who" }, row.nickname), el("span", { class: "pts" }, String(row.score)), el("span", { class: "place" }, String(place)));
        return step;
      }),
    );
    list($("final"), ranking.slice(3, 5));
    renderRace($("final-race"), state.teams);
    showView(root, "ended");
    return;
  }
  if (session.state === "slide" && state.slide) {
    countdown.stop();
    drawCountdown.stop();
    renderSlide($("slide"), state.slide);
    showView(root, "slide");
    return;
  }
  const question = state.question;
  if (!question) return;
  if (isRound(question.kind) && wall.active) {
    countdown.stop();
    $("draw-progress").textContent = interpolate(gettext("Question %s of %s"), [question.index + 1, question.total]);
    $("draw-prompt").textContent = question.prompt;
    if (session.state === "question" && state.deadlineMs) drawCountdown.start(state.deadlineMs, state.serverNowMs);
    else { drawCountdown.stop(); $("draw-countdown").textContent = ""; }
    showView(root, "drawing");
    return;
  }
  drawCountdown.stop();
  if (session.state === "reveal" && state.reveal) {
    countdown.stop();
    $("reveal-prompt").textContent = question.prompt;
    const options = question.options.map((o) => (typeof o === "string" ? o : o.text));
    const cloud = isWordCloud(question.kind);
    $("bars").hidden = cloud;
    renderCloud($("reveal-cloud"), cloud ? state.cloud : null);
    if (cloud) $("bars").replaceChildren();
    else if (question.kind === "ordering") renderOrderingReveal($("bars"), state.reveal);
    else if (question.kind === "scale") renderScale($("bars"), options, state.reveal.scale_stats || state.tally?.scale_stats, question.scale);
    else renderBars($("bars"), options, state.reveal.distribution, state.reveal.correct_choices || []);
    $("explanation").textContent = state.reveal.explanation || "";
    if (state.reveal.shift) {
      $("explanation").textContent += " " + interpolate(gettext("Correct before the discussion: %s, after: %s."), [`${state.reveal.shift.before}%`, `${state.reveal.shift.after}%`]);
    }
    list($("top"), (state.reveal.top || state.top).slice(0, 5));
    renderRace($("race"), state.teams);
    showView(root, "reveal");
    return;
  }
  $("progress").textContent = interpolate(gettext("Question %s of %s"), [question.index + 1, question.total]);
  $("prompt").textContent = question.prompt;
  const image = $("image");
  image.hidden = !question.image_url;
  if (question.image_url) image.src = question.image_url;
  image.alt = question.image_alt || ""; // empty for a decorative image: screen readers skip it
  // an ordering question's items, in the phones' shuffled order
  const shown = question.kind === "ordering" ? (question.ordering?.items || []).map((item) => item.text) : question.options;
  // a word cloud: the class's words, live (hidden words never come here: the cloud lists them apart)
  renderCloud($("cloud"), isWordCloud(question.kind) ? state.cloud : null);
  const tally = state.tally || {};
  // a scale's statements with their live means and spread (the tally's, a few times a second)
  const isScale = question.kind === "scale";
  $("options").hidden = isScale;
  $("scale-live").hidden = !isScale;
  if (isScale) renderScale($("scale-live"), question.options, tally.scale_stats, question.scale);
  else {
    $("options").replaceChildren(
      ...shown.map((o, i) => el("li", { class: `c${i % 6}` }, typeof o === "string" ? o : o.text)),
    );
  }
  $("answered").textContent = interpolate(gettext("%s of %s answered"), [tally.answered ?? 0, tally.participants ?? state.people.size]);
  if (state.deadlineMs) countdown.start(state.deadlineMs, state.serverNowMs);
  showView(root, "question");
}

new HostState(root.dataset.socketPath, render);
