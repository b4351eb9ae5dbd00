// The instructor's console: controls, lobby, live tally and the results grid.
import { HostState, keepFocus, orderingSummary, renderBars, renderOrderingReveal, renderScale, renderSlide } from "./host_view.js";
import { DrawingWall } from "./host_drawing.js";
import { isRound } from "./drawing_views.js";
import { isWordCloud, renderCloud } from "./word_cloud.js";
import { Countdown, el } from "./live_socket.js";

const root = document.getElementById("console");
const $ = (role) => root.querySelector(`[data-role="${role}"]`);
const countdown = new Countdown($("countdown"));
const STATES = {
  lobby: gettext("Lobby"), question: gettext("Question open"), reveal: gettext("Answer revealed"),
  running: gettext("Running (student-paced)"), ended: gettext("Ended"), slide: gettext("Slide shown"),
};
// The items' instructor notes, by item id: in this page only, never on the socket.
const NOTES = JSON.parse(document.getElementById("item-notes")?.textContent || "{}");

function cellText(cell, question) {
  if (!cell) return "";
  if (cell.text) return cell.text.split("\n").join(", "); // a word cloud's words, one per line
  // an ordering answer is the student's order of the items
  return (cell.choices || []).map((i) => question?.options?.[i]?.text ?? i).join(question?.kind === "ordering" ? " → " : ", ");
}

// The question this console already asked to reveal: a second press before the reveal comes back
// moves on (`next`) instead of asking again, so two quick presses are reveal, then next.
let revealAsked = null;

function renderGrid(state) {
  const table = $("grid");
  const head = el("tr");
  head.append(el("th", {}, gettext("Student")));
  state.grid.questions.forEach((q, i) => head.append(el("th", { title: q.prompt }, `Q${i + 1}`)));
  const body = state.grid.rows.map((row) => {
    const tr = el("tr", row.removed ? { class: "removed" } : {});
    tr.append(el("th", { scope: "row" }, row.participant.nickname));
    row.cells.forEach((cell, i) => {
      const kind = !cell ? "none" : cell.correct === true ? "ok" : cell.correct === false ? "bad" : "poll";
      tr.append(el("td", { class: kind }, cell ? cellText(cell, state.grid.questions[i]) || "·" : ""));
    });
    return tr;
  });
  table.replaceChildren(el("thead"), el("tbody"));
  table.tHead.append(head);
  table.tBodies[0].append(...body);
}

// Time accommodations (WCAG 2.2.1): the value is the wire factor, "none" for no time limit.
const TIME_CHOICES = [["1", gettext("Standard time")], ["2", gettext("×2 time")], ["10", gettext("×10 time")], ["none", gettext("No time limit")]];

function timeControl(state, p) {
  const factor = p.time_factor === null ? "none" : String(p.time_factor ?? 1);
  const select = el("select", { "aria-label": interpolate(gettext("Time for %s"), [p.nickname]), "data-testid": "time-factor", "data-pid": String(p.id) });
  for (const [value, label] of TIME_CHOICES) {
    const option = el("option", { value }, label);
    option.selected = value === factor;
    select.append(option);
  }
  select.addEventListener("change", () => {
    state.send("accommodate", { participant_id: p.id, factor: select.value === "none" ? null : Number(select.value) });
  });
  const span = el("span", { class: "time-factor" });
  if (p.time_requested) span.append(el("span", { class: "badge", title: gettext("Asked for more time when joining") }, gettext("asked for more time")), " ");
  span.append(select);
  return span;
}

function renderPeople(state) {
  $("count").textContent = String(state.people.size);
  const items = [...state.people.values()].map((p) => {
    const li = el("li", {}, p.nickname);
    const kick = el("button", { type: "button", class: "link" }, gettext("Remove"));
    kick.addEventListener("click", () => state.send("remove", { participant_id: p.id, ban: false }));
    const ban = el("button", { type: "button", class: "link" }, gettext("Ban"));
    ban.addEventListener("click", () => {
      if (window.confirm(interpolate(gettext("Ban %s from this session?"), [p.nickname]))) {
        state.send("remove", { participant_id: p.id, ban: true });
      }
    });
    li.append(" ", timeControl(state, p), " ", kick, " ", ban);
    return li;
  });
  // Keep a keyboard user's place: re-rendering must not drop the focus from a time control.
  const focused = $("people").contains(document.activeElement) ? document.activeElement.dataset.pid : null;
  $("people").replaceChildren(...items);
  if (focused) $("people").querySelector(`select[data-pid="${focused}"]`)?.focus();
}

let wall = null;

function render(state, message) {
  if (state.session?.state !== "question") revealAsked = null; // the reveal came back (or a re-vote reopened it)
  wall?.onMessage(message);
  if (message.type === "error") {
    // ← where back cannot go is an everyday keystroke: said in the status line, not an alert.
    if (message.code === "back_not_here") $("console-status").textContent = message.message;
    else window.alert(message.message);
    return;
  }
  if (message.type === "slide" || message.type === "question") $("console-status").textContent = "";
  const session = state.session;
  $("no-session").hidden = Boolean(session);
  $("controls").hidden = !session;
  if (!session) return;
  $("quiz-title").textContent = session.quiz;
  $("state").textContent = STATES[session.state] || session.state;
  $("revote").hidden = !(session.state === "reveal" && (state.reveal?.vote ?? 1) === 1);
  $("lock").hidden = session.locked;
  $("unlock").hidden = !session.locked;
  root.querySelector('[data-action="next"]').textContent =
    session.state === "lobby" ? gettext("Start") : gettext("Next");
  const slide = session.state === "slide" ? state.slide : null;
  $("current-slide").hidden = !slide;
  $("back").hidden = !slide;
  root.querySelector('[data-action="reveal"]').hidden = Boolean(slide);
  if (slide) {
    $("progress").textContent = interpolate(gettext("Item %s of %s"), [slide.item_index + 1, slide.items]);
    renderSlide($("slide"), slide);
  }
  const itemId = slide?.id ?? state.question?.id;
  const note = itemId !== undefined ? NOTES[String(itemId)] : "";
  $("notes-panel").hidden = !note;
  $("notes").textContent = note || "";
  const question = state.question;
  $("current").hidden = !question;
  if (question) {
    $("progress").textContent = interpolate(gettext("Question %s of %s"), [question.index + 1, question.total]);
    $("prompt").textContent = state.vote === 2 ? `${gettext("Second vote")} · ${question.prompt}` : question.prompt;
    const tally = state.tally || { answered: 0, participants: state.people.size };
    $("answered").textContent = interpolate(gettext("%s of %s answered"), [tally.answered ?? 0, tally.participants ?? state.people.size]);
    const correct = state.reveal ? state.reveal.correct_choices || [] : [];
    $("bars").hidden = isRound(question.kind) || isWordCloud(question.kind);
    // a word cloud: each word with a Hide button, the hidden ones below with Show again
    const cloud = isWordCloud(question.kind) ? state.cloud : null;
    keepFocus($("cloud"), () => renderCloud($("cloud"), cloud, { controls: true, send: (type, fields) => state.send(type, fields) }));
    if (isRound(question.kind)) {
      const total = Object.values(wall?.round?.counts || {}).reduce((a, b) => a + b, 0);
      const wrote = question.kind === "text_round" ? gettext("%s of %s wrote") : gettext("%s of %s drew");
      $("answered").textContent = interpolate(wrote, [total, state.people.size]);
    } else if (question.kind === "scale") {
      renderScale($("bars"), question.options, state.reveal?.scale_stats || tally.scale_stats, question.scale);
    } else if (question.kind === "ordering") {
      if (state.reveal) renderOrderingReveal($("bars"), state.reveal);
      else $("bars").replaceChildren(el("p", { "data-testid": "ordering-summary" }, orderingSummary(tally.ordering)));
    } else if (!isWordCloud(question.kind)) renderBars($("bars"), question.options, state.reveal?.distribution || tally.distribution || [], correct);
  }
  if (state.deadlineMs) countdown.start(state.deadlineMs, state.serverNowMs);
  else { countdown.stop(); $("countdown").textContent = ""; }
  keepFocus($("people"), () => renderPeople(state));
  renderGrid(state);
}

const state = new HostState(root.dataset.socketPath, render, {
  onStatus: (up) => { $("reconnecting").hidden = up; },
});
wall = new DrawingWall($("drawing-panel"), { controls: true, send: (type, fields) => state.send(type, fields) });
// The keyboard drives the lesson: → or Space is the next step (on an open question: reveal it, so
// the class sees the answers; then the next item), ← back (to an earlier slide). Not while typing
// in a field, and Space not on a focused control (it presses that control).
const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';
const PRESSABLE = "button, a[href], summary, [role=button]";
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (!state.session || state.session.state === "ended") return;
  const target = event.target instanceof Element ? event.target : null;
  if (target?.closest(TYPING)) return;
  if (event.key === "ArrowRight" || (event.key === " " && !target?.closest(PRESSABLE))) {
    event.preventDefault();
    const open = state.session.state === "question" ? state.question?.id ?? null : null;
    const reveal = open !== null && revealAsked !== open;
    if (reveal) revealAsked = open;
    state.send(reveal ? "reveal" : "next");
  } else if (event.key === "ArrowLeft" && state.session.state === "slide") {
    event.preventDefault();
    state.send("back");
  }
});

for (const button of root.querySelectorAll("[data-action]")) {
  button.addEventListener("click", () => {
    const action = button.dataset.action;
    if (action === "end" && !window.confirm(gettext("End the session for everyone?"))) return;
    state.send(action);
  });
}
