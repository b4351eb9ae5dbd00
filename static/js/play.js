// The student's phone: join with a nickname, then play over one socket that survives reloads.
import { Countdown, LiveSocket, el, showView } from "./live_socket.js";
import { DrawingRound } from "./play_drawing.js";
import { isRound, renderTraining } from "./drawing_views.js";

const root = document.getElementById("play");
const code = root.dataset.code;
const tokenKey = `a2b.token.${code}`;
const $ = (role) => root.querySelector(`[data-role="${role}"]`);
const COLOURS = ["c0", "c1", "c2", "c3", "c4", "c5"];

function deviceId() {
  let id = localStorage.getItem("a2b.device");
  if (!id) {
    id = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
    localStorage.setItem("a2b.device", id);
  }
  return id;
}

let socket = null;
let current = null; // the open question
let askConfidence = false;
let selected = new Set();
let mode = "instructor_paced";
let nickname = "";
const drawing = new DrawingRound(root, (frame) => socket?.send(frame));
const drawCountdown = new Countdown($("countdown-draw"), () => {});
const countdown = new Countdown($("countdown"), () => {
  // "Time is up." itself is read by announce.js at zero; the status says what it means for this student.
  if (current && !current.answered) $("answer-status").textContent = gettext("You did not answer in time.");
  lockChoices();
});

// The student's own countdown: their deadline (a time accommodation), "no time limit" when null.
function startOwnCountdown(deadlineMs, serverNowMs) {
  countdown.start(deadlineMs, serverNowMs);
  if (!deadlineMs) $("countdown").textContent = gettext("No time limit");
}

function showMessage(text) {
  $("message").textContent = text;
  showView(root, "message");
}

function showJoin(errorText = "") {
  $("join-error").textContent = errorText;
  showView(root, "join");
  root.querySelector("#nickname").focus();
}

function lockChoices() {
  for (const button of $("choices").querySelectorAll("button")) button.disabled = true;
  $("submit-multi").disabled = true;
  for (const input of $("short-form").querySelectorAll("input, button")) input.disabled = true;
  for (const input of $("slider-form").querySelectorAll("input, button")) input.disabled = true;
  for (const input of $("scale-form").querySelectorAll("input, button")) input.disabled = true;
  for (const button of $("ordering-form").querySelectorAll("button")) button.disabled = true;
  for (const input of $("word-form").querySelectorAll("input, button")) input.disabled = true;
}

function unlockChoices() {
  for (const button of $("choices").querySelectorAll("button")) button.disabled = false;
  $("submit-multi").disabled = false;
  for (const input of $("short-form").querySelectorAll("input, button")) input.disabled = false;
  for (const input of $("slider-form").querySelectorAll("input, button")) input.disabled = false;
  for (const input of $("scale-form").querySelectorAll("input, button")) input.disabled = false;
  for (const button of $("ordering-form").querySelectorAll("button")) button.disabled = false;
  for (const input of $("word-form").querySelectorAll("input, button")) input.disabled = false;
}

// A word cloud: one to three short fields (the question's words_per_student), sent at once.
function renderWordForm(question, answer) {
  const form = $("word-form");
  const limit = question.kind === "word_cloud" ? question.words_per_student || 1 : 0;
  form.hidden = !limit;
  if (!limit) return;
  form.reset();
  $("word-hint").textContent = limit === 1
    ? interpolate(gettext("Send a word or a short phrase (at most %s characters)."), [25])
    : interpolate(gettext("Send up to %s words or short phrases (at most %s characters each)."), [limit, 25]);
  const fields = [...form.querySelectorAll('[data-role="word-field"]')];
  fields.forEach((field, index) => { field.hidden = index >= limit; });
  for (const element of form.querySelectorAll("input, button")) element.disabled = false;
  (answer?.words || []).forEach((word, index) => { if (fields[index]) fields[index].querySelector("input").value = word; });
}

function wordsSent(words) {
  return interpolate(gettext("Your words are in: %s. Watch the screen."), [words.join(", ")]);
}

// A slider question: a range input on the question's min / max / step, its number shown (and
// announced: <output>) as it moves; the arrow keys move it by one step.
function renderSlider(question, answer) {
  const form = $("slider-form");
  const settings = question.kind === "slider" ? question.slider : null;
  form.hidden = !settings;
  if (!settings) return;
  const input = $("slider-value");
  const unit = settings.unit ? ` ${settings.unit}` : "";
  input.min = settings.min;
  input.max = settings.max;
  input.step = settings.step;
  input.value = answer?.text ?? String(settings.min + Math.round((settings.max - settings.min) / 2 / settings.step) * settings.step);
  const show = () => {
    $("slider-output").textContent = `${Number(input.value).toLocaleString()}${unit}`;
    input.setAttribute("aria-valuetext", $("slider-output").textContent);
  };
  input.oninput = show;
  show();
  $("slider-min").textContent = `${Number(settings.min).toLocaleString()}${unit}`;
  $("slider-max").textContent = `${Number(settings.max).toLocaleString()}${unit}`;
  for (const element of form.querySelectorAll("input, button")) element.disabled = false;
}

// A scale question: per statement a group of radio buttons numbered on the scale (arrow keys move
// within a group, Tab to the next statement), the end labels read with the lowest and highest
// numbers; Submit sends one rating per statement and points to the first one left unrated.
function renderScale(question, answer) {
  const form = $("scale-form");
  const settings = question.kind === "scale" ? question.scale : null;
  form.hidden = !settings;
  const box = $("scale-statements");
  box.replaceChildren();
  if (!settings) return;
  question.options.forEach((statement, index) => {
    const group = el("fieldset", { class: "scale-statement", "data-testid": "scale-statement" });
    group.append(el("legend", { id: `scale-legend-${index}` }, statement));
    const points = el("div", { class: "scale-points" });
    for (let value = settings.min; value <= settings.max; value += 1) {
      const label = el("label", { class: "scale-point" });
      const input = el("input", { type: "radio", name: `scale-${index}`, value: String(value), "data-testid": `rate-${index}-${value}` });
      input.checked = answer?.ratings?.[index] === value;
      const shown = el("span", {}, String(value));
      const end = value === settings.min ? settings.low_label : value === settings.max ? settings.high_label : "";
      if (end) shown.append(el("span", { class: "visually-hidden" }, ` (${end})`));
      label.append(input, shown);
      points.append(label);
    }
    group.append(points);
    if (settings.low_label || settings.high_label) {
      const ends = el("div", { class: "scale-ends", "aria-hidden": "true" });
      ends.append(el("span", {}, settings.low_label || ""), el("span", {}, settings.high_label || ""));
      group.append(ends);
    }
    group.addEventListener("change", () => group.classList.remove("missing"));
    box.append(group);
  });
  for (const element of form.querySelectorAll("input, button")) element.disabled = false;
}

function scaleRatings() {
  const groups = [...$("scale-statements").querySelectorAll("fieldset")];
  const ratings = groups.map((group) => {
    const checked = group.querySelector("input:checked");
    return checked ? Number(checked.value) : null;
  });
  const missing = groups.filter((group, index) => ratings[index] === null);
  for (const group of groups) group.classList.toggle("missing", missing.includes(group));
  return { ratings, missing };
}

// An ordering question: the items in the phones' shuffle (or, once answered, the order sent), each
// with up and down buttons (keyboard and touch alike; 44 px targets). A move keeps the focus on the
// moved item's button and its new place is read out through the page's announcer.
let ordering = []; // [{ id, text }] in the student's current order

function announce(text) {
  root.dispatchEvent(new CustomEvent("a2b:announce", { detail: text }));
}

function moveItem(index, step) {
  const target = index + step;
  const item = ordering[index];
  if (target < 0 || target >= ordering.length) {
    announce(step < 0 ? interpolate(gettext("%s is already first."), [item.text]) : interpolate(gettext("%s is already last."), [item.text]));
    return;
  }
  ordering.splice(index, 1);
  ordering.splice(target, 0, item);
  drawOrdering();
  const row = $("ordering-list").children[target];
  row?.querySelector(step < 0 ? "[data-move=up]" : "[data-move=down]")?.focus();
  announce(interpolate(gettext("%s moved to place %s of %s."), [item.text, target + 1, ordering.length]));
}

function drawOrdering() {
  const locked = Boolean(current?.answered);
  $("ordering-list").replaceChildren(
    ...ordering.map((item, index) => {
      const row = el("li", { class: `ordering-item ${COLOURS[item.id % 6]}`, "data-id": item.id, "data-testid": "ordering-item" });
      row.append(
        el("span", { class: "ordering-place", "aria-hidden": "true" }, String(index + 1)),
        el("span", { class: "ordering-text" }, item.text),
      );
      for (const [move, symbol, label] of [["up", "↑", gettext("Move %s up")], ["down", "↓", gettext("Move %s down")]]) {
        const button = el("button", { type: "button", class: "ordering-move", "data-move": move, "aria-label": interpolate(label, [item.text]) }, symbol);
        button.disabled = locked;
        button.addEventListener("click", () => moveItem(ordering.indexOf(item), move === "up" ? -1 : 1));
        row.append(button);
      }
      return row;
    }),
  );
}

function renderOrdering(question, answer) {
  const form = $("ordering-form");
  const items = question.kind === "ordering" ? question.ordering?.items || [] : [];
  form.hidden = !items.length;
  if (!items.length) return;
  const byId = new Map(items.map((item) => [item.id, item]));
  const sent = (answer?.choices || []).map((id) => byId.get(id)).filter(Boolean);
  ordering = sent.length === items.length ? sent : [...items];
  drawOrdering();
  form.querySelector("[type=submit]").disabled = false;
}

// How many of the items this student put in their right place (ids are the right positions).
function itemsInPlace() {
  return ordering.filter((item, index) => item.id === index).length;
}

function confidence() {
  if (!askConfidence) return undefined;
  const checked = root.querySelector('input[name="confidence"]:checked');
  return checked ? Number(checked.value) : undefined;
}

// The server could not store an answer for now (the database hiccupped, or the phone sent too
// fast): it says so and nothing is lost if the phone sends the same answer again, a little later.
const RESEND_CODES = new Set(["not_stored", "rate_limited"]);
const MAX_RESENDS = 5;
let pending = null; // { frame, tries } of the answer not yet acknowledged

function sendAnswer(fields) {
  if (!current || current.answered) return;
  const frame = { type: "answer", question_id: current.id, id: `q${current.id}`, confidence: confidence(), ...fields };
  pending = { frame, tries: 0 };
  const sent = socket.send(frame);
  $("answer-status").textContent = sent ? gettext("Sending…") : gettext("Not connected; try again in a moment.");
}

function resendLater(data) {
  if (!pending || data.ref !== pending.frame.id || pending.tries >= MAX_RESENDS) return false;
  const attempt = pending;
  attempt.tries += 1;
  setTimeout(() => {
    if (pending === attempt && current && !current.answered && current.id === attempt.frame.question_id) {
      socket?.send(attempt.frame);
    }
  }, 400 * 2 ** attempt.tries);
  $("answer-status").textContent = gettext("Sending again…");
  return true;
}

function renderDrawing(question, round, prompt, deadlineMs, serverNowMs, sent) {
  current = { ...question, answered: Boolean(sent) };
  $("draw-progress").textContent = interpolate(gettext("Question %s of %s"), [question.index + 1, question.total]);
  drawing.show(question, round, prompt, sent);
  showView(root, "drawing");
  countdown.stop();
  drawCountdown.stop();
  if (round.phase === "collect" && deadlineMs) drawCountdown.start(deadlineMs, serverNowMs);
  else $("countdown-draw").textContent = "";
}

function renderQuestion(question, deadlineMs, serverNowMs, answer) {
  current = { ...question, answered: Boolean(answer) };
  selected = new Set();
  $("progress").textContent = interpolate(gettext("Question %s of %s"), [question.index + 1, question.total]);
  $("prompt").textContent = question.prompt;
  const image = $("image");
  image.hidden = !question.image_url;
  if (question.image_url) image.src = question.image_url;
  image.alt = question.image_alt || ""; // empty for a decorative image: screen readers skip it
  const choices = $("choices");
  choices.replaceChildren();
  question.options.forEach((text, index) => {
    const pressed = question.multiple ? { "aria-pressed": "false" } : {};
    const button = el("button", { type: "button", class: `choice ${COLOURS[index % 6]}`, "data-index": index, ...pressed }, text);
    button.addEventListener("click", () => {
      if (question.multiple) {
        selected.has(index) ? selected.delete(index) : selected.add(index);
        button.classList.toggle("selected");
        button.setAttribute("aria-pressed", String(selected.has(index)));
      } else {
        button.classList.add("selected");
        sendAnswer({ choices: [index] });
      }
    });
    choices.append(button);
  });
  // a slider's options are the reveal's histogram bins, a scale's the statements it rates
  if (question.kind === "slider" || question.kind === "scale") choices.replaceChildren();
  renderSlider(question, answer);
  renderScale(question, answer);
  renderOrdering(question, answer);
  renderWordForm(question, answer);
  $("submit-multi").hidden = !question.multiple;
  $("submit-multi").disabled = false;
  const shortForm = $("short-form");
  shortForm.hidden = !["short_answer", "open"].includes(question.kind);
  for (const input of shortForm.querySelectorAll("input, button")) input.disabled = false;
  shortForm.reset();
  $("confidence").hidden = !askConfidence;
  $("answer-status").textContent = "";
  showView(root, "question");
  startOwnCountdown(deadlineMs, serverNowMs);
  if (answer) {
    $("answer-status").textContent = answer.words ? wordsSent(answer.words) : gettext("Your answer is in. Wait for the reveal.");
    for (const index of answer.choices || []) choices.children[index]?.classList.add("selected");
    lockChoices();
  }
}

function optionText(indexes) {
  return (indexes || []).map((i) => current?.options?.[i]).filter(Boolean).join(", ");
}

function renderReveal(reveal, you) {
  countdown.stop();
  drawCountdown.stop();
  const revealTraining = $("reveal-training");
  if (isRound(current?.kind)) {
    const texts = current.kind === "text_round";
    $("verdict").textContent = texts ? gettext("Thanks for your sentence!") : gettext("Thanks for your drawing!");
    $("verdict").className = "verdict poll";
    $("correct-answer").textContent = texts
      ? gettext("The class's sentences are now a data set. Watch the screen: the model learns from them next.")
      : gettext("The class's drawings are now a data set. Watch the screen: the model learns from them next.");
    $("explanation").textContent = reveal.explanation || "";
    $("score-line").textContent = "";
    renderTraining(revealTraining, reveal.drawing?.training);
    $("next").hidden = true;
    return showView(root, "reveal");
  }
  renderTraining(revealTraining, null);
  const verdict = $("verdict");
  if (you && you.answered === false) {
    verdict.textContent = gettext("No answer this time.");
    verdict.className = "verdict none";
  } else if (current?.kind === "scale") {
    verdict.textContent = gettext("Thanks for your ratings.");
    verdict.className = "verdict poll";
  } else if (current?.kind === "ordering" && (you?.correct ?? reveal.correct) === false && itemsInPlace() > 0) {
    verdict.textContent = interpolate(gettext("Partly right: %s of %s in the right place."), [itemsInPlace(), ordering.length]);
    verdict.className = "verdict partial";
  } else if (you?.correct === true || reveal.correct === true) {
    verdict.textContent = gettext("Correct!");
    verdict.className = "verdict ok";
  } else if (you?.correct === false || reveal.correct === false) {
    verdict.textContent = gettext("Not this time.");
    verdict.className = "verdict bad";
  } else if (current?.kind === "word_cloud") {
    verdict.textContent = gettext("Thanks for your words! The cloud is on the screen.");
    verdict.className = "verdict poll";
  } else {
    verdict.textContent = gettext("Thanks for your vote.");
    verdict.className = "verdict poll";
  }
  const answerText = reveal.accepted_answers?.length ? reveal.accepted_answers.join(" / ") : optionText(reveal.correct_choices);
  $("correct-answer").textContent = answerText ? interpolate(gettext("Answer: %s"), [answerText]) : "";
  $("explanation").textContent = reveal.explanation || "";
  if (reveal.shift) {
    $("explanation").textContent += " " + interpolate(gettext("Correct before the discussion: %s, after: %s."), [`${reveal.shift.before}%`, `${reveal.shift.after}%`]);
  }
  const points = you?.points ?? reveal.points ?? 0;
  const score = you?.score ?? reveal.score;
  const parts = [interpolate(gettext("+%s points"), [points])];
  if (score !== undefined) parts.push(interpolate(gettext("score %s"), [score]));
  if (you?.rank) parts.push(interpolate(gettext("rank %s"), [you.rank]));
  if (you?.streak > 1) parts.push(interpolate(gettext("%s in a row"), [you.streak]));
  $("score-line").textContent = parts.join(" · ");
  $("next").hidden = mode !== "student_paced";
  showView(root, "reveal");
}

// A slide: its title and a short text; the projector shows the whole of it. Student-paced, "Next" moves on.
function renderSlide(slide) {
  current = null;
  countdown.stop();
  drawCountdown.stop();
  $("slide-progress").textContent = interpolate(gettext("Slide · %s of %s"), [slide.item_index + 1, slide.items]);
  $("slide-compact-title").textContent = slide.title;
  $("slide-compact-short").textContent = slide.short || "";
  $("slide-compact-short").hidden = !slide.short;
  $("slide-next").hidden = mode !== "student_paced";
  // A canvas activity: the room's idea form (the end screen's), opened in a new tab so this one stays live.
  $("canvas-activity").hidden = slide.kind !== "canvas";
  const ideaLink = $("canvas-idea-link");
  if (ideaLink && nickname) ideaLink.search = `?nickname=${encodeURIComponent(nickname)}`;
  showView(root, "slide");
}

function renderState(state) {
  mode = state.session.mode;
  nickname = state.you.nickname;
  askConfidence = state.session.ask_confidence;
  const teamNames = JSON.parse(document.getElementById("team-names")?.textContent || "[]");
  $("hello").textContent = state.you.team === null || state.you.team === undefined
    ? interpolate(gettext("Hi, %s!"), [state.you.nickname])
    : interpolate(gettext("Hi, %s! You are on team %s."), [state.you.nickname, teamNames[state.you.team] ?? state.you.team + 1]);
  if (state.session.state === "ended") return renderEnded(state.you);
  if (state.finished) return renderEnded(state.you);
  if (state.slide) return renderSlide(state.slide);
  if (!state.question) return showView(root, "lobby");
  if (isRound(state.question.kind) && state.drawing) {
    const d = state.drawing;
    if (d.phase === "guess" || (!state.reveal && state.session.state !== "reveal")) {
      return renderDrawing(state.question, d, d.prompt, state.deadline_ms, state.server_now_ms, d.phase === "collect" ? d.sent : null);
    }
    current = { ...state.question, answered: Boolean(d.sent) };
    drawing.show(state.question, d, d.prompt, d.sent);
    return renderReveal({ drawing: d }, null);
  }
  renderQuestion(state.question, state.deadline_ms, state.server_now_ms, state.answer);
  if (state.reveal) renderReveal(state.reveal, { ...state.reveal, score: state.you.score, rank: state.you.rank, answered: Boolean(state.answer) });
}

const VERDICTS = {
  overconfident: () => gettext("You were over-confident: your answers were right less often than you expected."),
  underconfident: () => gettext("You were under-confident: you knew more than you thought!"),
  calibrated: () => gettext("Your confidence matched your accuracy: well calibrated."),
  not_enough_data: () => gettext("Too few answers with a confidence to judge your calibration."),
};

function renderEnded(you) {
  countdown.stop();
  let text = you?.rank
    ? interpolate(gettext("Your score: %s · rank %s"), [you.score, you.rank])
    : interpolate(gettext("Your score: %s"), [you?.score ?? 0]);
  const cal = you?.calibration;
  if (cal) {
    text += " — " + VERDICTS[cal.verdict]() + " " + interpolate(
      gettext("(mean confidence %s, right %s)"), [`${Math.round(cal.mean_confidence * 100)}%`, `${Math.round(cal.accuracy * 100)}%`],
    );
  }
  $("final").textContent = text;
  showView(root, "ended");
}

const FATAL = new Set(["bad_token", "session_ended", "removed", "banned"]);

function onMessage(data) {
  if (drawing.onMessage(data)) return;
  switch (data.type) {
    case "state": return renderState(data);
    case "guess_round": return renderDrawing(current, data, null, null, null, null);
    case "question":
      if (isRound(data.question.kind)) return renderDrawing(data.question, data.drawing, data.you?.prompt, data.deadline_ms, data.opened_at_ms, null);
      // data.you carries this student's own deadline when they have a time accommodation
      renderQuestion(data.question, data.you && "deadline_ms" in data.you ? data.you.deadline_ms : data.deadline_ms, data.opened_at_ms, null);
      if (data.vote === 2) $("answer-status").textContent = gettext("Second vote: talk it over with your neighbours, then answer again.");
      return;
    case "answer_received":
      if (pending && pending.frame.question_id === data.question_id) pending = null;
      if (current && data.question_id === current.id) {
        current.answered = true;
        lockChoices();
        $("answer-status").textContent = data.words ? wordsSent(data.words) : gettext("Your answer is in. Wait for the reveal.");
        if (data.result) renderReveal(data.result, null);
      }
      return;
    case "reveal": return renderReveal(data, data.you);
    case "slide": return renderSlide(data.slide);
    case "session_ended": return renderEnded(data.you);
    case "removed":
      localStorage.removeItem(tokenKey);
      socket.close();
      return showMessage(data.banned ? gettext("You were removed from this session and cannot rejoin it.") : gettext("You were removed from this session."));
    case "time_accommodation":
      if (current && data.question_id === current.id && !current.answered) {
        startOwnCountdown(data.deadline_ms, data.server_now_ms);
        unlockChoices();
      }
      $("answer-status").textContent = data.time_factor === 1 ? "" : gettext("You have more time to answer.");
      return;
    case "locked": return;
    case "error":
      if (FATAL.has(data.code)) {
        localStorage.removeItem(tokenKey);
        socket.close();
        socket = null;
        return data.code === "bad_token" ? showJoin(data.message) : showMessage(data.message);
      }
      if (RESEND_CODES.has(data.code) && resendLater(data)) return;
      if (data.code === "already_answered" && current) { current.answered = true; lockChoices(); }
      if (isRound(current?.kind)) return drawing.error(data);
      $("answer-status").textContent = data.message;
      return;
    default: return;
  }
}

function connect() {
  socket = new LiveSocket(root.dataset.socketPath, {
    onOpen: () => socket.send({ type: "hello", token: localStorage.getItem(tokenKey) }),
    onMessage,
    onGap: () => socket?.send({ type: "sync" }),
  });
}

function teamChoice() {
  const select = root.querySelector("#team");
  return select && select.value !== "" ? Number(select.value) : null;
}

$("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const nickname = root.querySelector("#nickname").value;
  const response = await fetch(root.dataset.joinUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ nickname, device_id: deviceId(), team: teamChoice(), more_time: root.querySelector("#more-time")?.checked === true }),
  }).catch(() => null);
  if (!response) return showJoin(gettext("Not connected; try again in a moment."));
  const body = await response.json().catch(() => ({}));
  if (!response.ok) return showJoin(body.error?.message || gettext("Could not join."));
  localStorage.setItem(tokenKey, body.token);
  connect();
});

$("submit-multi").addEventListener("click", () => {
  if (selected.size) sendAnswer({ choices: [...selected].sort((a, b) => a - b) });
});
$("short-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = new FormData(event.target).get("text");
  if (String(text).trim()) sendAnswer({ text: String(text) });
});
$("slider-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sendAnswer({ value: Number($("slider-value").value) });
});
$("scale-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const { ratings, missing } = scaleRatings();
  if (missing.length) {
    $("answer-status").textContent = interpolate(
      ngettext("Rate every statement: %s is not rated yet.", "Rate every statement: %s are not rated yet.", missing.length),
      [missing.length],
    );
    missing[0].querySelector("input")?.focus();
    return;
  }
  sendAnswer({ ratings });
});

$("ordering-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (ordering.length) sendAnswer({ order: ordering.map((item) => item.id) });
});

$("word-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const words = [...event.target.querySelectorAll("input")].filter((input) => !input.closest("[hidden]")).map((input) => input.value).filter((text) => text.trim());
  if (words.length) sendAnswer({ words });
  else $("answer-status").textContent = gettext("Type a word or a short phrase first.");
});
$("next").addEventListener("click", () => socket.send({ type: "next" }));
$("slide-next").addEventListener("click", () => socket.send({ type: "next" }));

if (localStorage.getItem(tokenKey)) connect();
else showJoin();
