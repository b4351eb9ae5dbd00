// Shared by the console and the projector: the host socket's state, kept in one place.
import { LiveSocket, el } from "./live_socket.js";

export class HostState {
  // onStatus(up): the console's "reconnecting" indicator (socket closed or its process cut off).
  constructor(path, render, { onStatus } = {}) {
    this.render = render;
    this.reset();
    this.socket = new LiveSocket(path, {
      onOpen: () => this.socket.send({ type: "sync" }),
      onMessage: (data) => this.onMessage(data),
      onGap: () => this.socket.send({ type: "sync" }),
      onStatus,
    });
  }

  reset() {
    this.session = null;
    this.people = new Map();
    this.question = null;
    this.slide = null; // the slide on the projector (a lesson's item with nothing to answer)
    this.tally = null;
    this.cloud = null; // a word cloud's words (tally, word_cloud), hidden ones apart
    this.reveal = null;
    this.grid = { questions: [], rows: [] };
    this.top = [];
    this.final = null;
    this.deadlineMs = null;
    this.serverNowMs = null;
    this.vote = 1;
  }

  onMessage(data) {
    switch (data.type) {
      case "host_state":
        this.reset();
        this.session = data.session;
        if (!data.session) break;
        for (const p of data.participants) this.people.set(p.id, p);
        this.grid = data.grid;
        this.top = data.leaderboard;
        this.teams = data.teams || null;
        this.question = data.question;
        this.slide = data.slide || null;
        this.tally = data.tally || null;
        this.cloud = data.tally?.cloud || null;
        this.deadlineMs = data.deadline_ms;
        this.serverNowMs = data.server_now_ms;
        if (data.session.state === "reveal" && data.question) {
          this.reveal = {
            ...data.question, distribution: data.tally?.distribution || [], scale_stats: data.tally?.scale_stats, top: data.leaderboard,
            answered: data.tally?.answered, ordering: data.tally?.ordering,
          };
        }
        break;
      case "participants_joined":
        for (const participant of data.participants) {
          if (this.people.has(participant.id)) continue;
          this.people.set(participant.id, participant);
          this.grid.rows.push({ participant, removed: false, cells: this.grid.questions.map(() => null) });
        }
        break;
      case "participant_accommodated":
        this.people.set(data.participant.id, { ...this.people.get(data.participant.id), ...data.participant });
        break;
      case "participant_left":
        this.people.delete(data.participant_id);
        for (const row of this.grid.rows) if (row.participant.id === data.participant_id) row.removed = true;
        break;
      case "slide":
        this.session = data.session;
        this.slide = data.slide;
        this.question = null;
        this.reveal = null;
        this.tally = null;
        this.deadlineMs = null;
        break;
      case "question":
        this.session = data.session;
        this.slide = null;
        this.question = data.question;
        this.reveal = null;
        this.tally = { answered: 0, participants: this.people.size, distribution: data.question.options.map(() => 0) };
        this.cloud = data.question.kind === "word_cloud" ? { question_id: data.question.id, words: [], hidden: [], total: 0, distinct: 0 } : null;
        this.deadlineMs = data.deadline_ms;
        this.serverNowMs = data.opened_at_ms;
        this.vote = data.vote || 1;
        break;
      case "tally":
        if (data.question_id === undefined || data.question_id === this.question?.id) {
          this.tally = data;
          if (data.cloud) this.cloud = data.cloud;
        }
        for (const cell of data.cells || []) this.setCell(cell);
        break;
      case "word_cloud": // a word hidden or shown again: the whole cloud, at once
        if (data.question_id === this.question?.id) this.cloud = data.cloud;
        break;
      case "reveal":
        this.session = { ...this.session, state: "reveal" };
        this.reveal = data;
        this.top = data.top;
        if (data.teams) this.teams = data.teams;
        for (const row of data.top) if (this.people.has(row.id)) this.people.get(row.id).score = row.score;
        this.deadlineMs = null;
        break;
      case "locked":
        this.session = { ...this.session, locked: data.locked };
        break;
      case "session_ended":
        this.session = { ...this.session, state: "ended" };
        this.final = data.top;
        if (data.teams) this.teams = data.teams;
        this.deadlineMs = null;
        break;
      default:
        break;
    }
    this.render(this, data);
  }

  setCell(cell) {
    const column = this.grid.questions.findIndex((q) => q.id === cell.question_id);
    const row = this.grid.rows.find((r) => r.participant.id === cell.participant_id);
    if (column >= 0 && row) row.cells[column] = cell;
  }

  send(type, fields = {}) {
    return this.socket.send({ type, ...fields });
  }
}

// The team names come from the page (one list, in Python, in the page's language).
export const TEAM_NAMES = () => JSON.parse(document.getElementById("team-names")?.textContent || "[]");

// The Space Race: each team a rocket, as far along as its correct answers per member.
export function renderRace(container, teams) {
  container.hidden = !teams;
  if (!teams) return;
  const names = TEAM_NAMES();
  container.replaceChildren(
    ...teams.map((t) => {
      const lane = document.createElement("div");
      lane.className = `lane c${t.team % 6}`;
      const label = document.createElement("span");
      label.className = "lane-label";
      label.textContent = `${names[t.team % 6]} · ${t.score}`;
      const rocket = document.createElement("span");
      rocket.className = "rocket";
      rocket.style.left = `${Math.round(Math.min(1, t.progress) * 90)}%`;
      rocket.setAttribute("role", "img");
      rocket.setAttribute("aria-label", interpolate(gettext("%s: %s of the way"), [names[t.team % 6], `${Math.round(t.progress * 100)}%`]));
      lane.append(label, rocket);
      return lane;
    }),
  );
}

// A slide's parts (templates/quizapp/_slide.html): the title, the text the server rendered and
// sanitised (Markdown, formulas as MathML), the image and the layout.
export function renderSlide(container, slide) {
  const part = (role) => container.querySelector(`[data-role="${role}"]`);
  container.className = `slide layout-${slide.layout || "title_body"}`;
  part("slide-title").textContent = slide.title;
  part("slide-body").innerHTML = slide.body_html || ""; // safe: nh3 allow-list on the server
  part("slide-body").hidden = slide.layout === "title" || !slide.body_html;
  const image = part("slide-image");
  image.hidden = !slide.image_url;
  if (slide.image_url) image.src = slide.image_url;
  else image.removeAttribute("src");
  image.alt = slide.image_alt || "";
}

export function renderBars(container, options, distribution, correct = []) {
  container.replaceChildren();
  container.classList.remove("scale-chart");
  if (!Array.isArray(distribution)) {
    for (const [text, count] of Object.entries(distribution || {})) appendBar(container, text, count, 1, false);
    return;
  }
  const max = Math.max(1, ...distribution);
  options.forEach((text, index) => {
    appendBar(container, typeof text === "string" ? text : text.text, distribution[index] || 0, max, correct.includes(index), index);
  });
}

// A scale question: per statement its mean as a marker and mean ± 1 SD as a band on the scale's
// axis, the numbers printed beside them (the picture is aria-hidden: the text says it all).
const decimal = (value) => Number(value).toLocaleString(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function renderScale(container, statements, stats, settings) {
  const low = settings?.min ?? 1;
  const high = settings?.max ?? 5;
  const at = (value) => `${(100 * (Math.min(high, Math.max(low, value)) - low)) / Math.max(1, high - low)}%`;
  container.replaceChildren();
  container.classList.add("scale-chart");
  const axis = el("div", { class: "scale-axis" });
  const ends = el("span", { class: "ends" });
  ends.append(el("span", {}, [low, settings?.low_label].filter((x) => x !== "" && x != null).join(" ")));
  ends.append(el("span", {}, [high, settings?.high_label].filter((x) => x !== "" && x != null).join(" ")));
  axis.append(el("span", {}, gettext("Statement")), ends, el("span", {}, gettext("Mean · spread (SD) · answers")));
  container.append(axis);
  statements.forEach((statement, index) => {
    const one = stats?.[index] || { n: 0, mean: null, sd: null };
    const row = el("div", { class: "scale-row", "data-testid": "scale-row" });
    const track = el("span", { class: "scale-track", "aria-hidden": "true" });
    if (one.mean !== null && one.mean !== undefined) {
      const band = el("span", { class: "scale-sd" });
      band.style.left = at(one.mean - one.sd);
      band.style.right = `calc(100% - ${at(one.mean + one.sd)})`;
      const marker = el("span", { class: "scale-mean" });
      marker.style.left = at(one.mean);
      track.append(band, marker);
    }
    const numbers = one.mean === null || one.mean === undefined
      ? gettext("no ratings yet")
      : interpolate(gettext("mean %s · SD %s · %s answers"), [decimal(one.mean), decimal(one.sd), one.n]);
    row.append(el("span", { class: "scale-label" }, typeof statement === "string" ? statement : statement.text), track, el("span", { class: "scale-numbers" }, numbers));
    container.append(row);
  });
}

// An ordering question's tally: how many put the items in the exact order, partly right, wrong.
export function orderingSummary(counts) {
  if (!counts) return "";
  return interpolate(gettext("Exact order: %s · partly right: %s · no item in place: %s"), [counts.exact, counts.partial, counts.wrong]);
}

// An ordering question's reveal: the right order, and per position the share of answers with the
// right item there (a bar each, its % as the value); the tally line first.
export function renderOrderingReveal(container, reveal) {
  container.replaceChildren();
  const items = reveal.ordering_answer?.items || [];
  const right = Array.isArray(reveal.distribution) ? reveal.distribution : [];
  const answered = reveal.answered || 0;
  const summary = document.createElement("p");
  summary.className = "ordering-summary";
  summary.dataset.testid = "ordering-summary";
  summary.textContent = orderingSummary(reveal.ordering);
  container.append(summary);
  items.forEach((item, position) => {
    const percent = answered ? Math.round((100 * (right[position] || 0)) / answered) : 0;
    appendBar(container, `${position + 1}. ${item.text}`, `${percent}%`, 100, false, position, percent);
  });
}

function appendBar(container, label, count, max, isCorrect, index = 0, width = count) {
  const row = document.createElement("div");
  row.className = `bar c${index % 6}${isCorrect ? " correct" : ""}`;
  const name = document.createElement("span");
  name.className = "bar-label";
  name.textContent = (isCorrect ? "✓ " : "") + label;
  const fill = document.createElement("span");
  fill.className = "bar-fill";
  fill.style.width = `${Math.round((100 * width) / Math.max(max, 1))}%`;
  const value = document.createElement("span");
  value.className = "bar-value";
  value.textContent = String(count);
  row.append(name, fill, value);
  container.append(row);
}

// Redraw `container` with `redraw()` without losing the keyboard focus (WCAG 2.1.1, 2.4.3): a control
// focused inside it is focused again in the new content - the one with the same text in the same
// row (li/tr), else the one at the same position - instead of the focus falling back to the page.
const CONTROLS = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';
const rowText = (node) => (node.closest("li, tr") || node).textContent.trim();

export function keepFocus(container, redraw) {
  const active = document.activeElement;
  if (!container || !active || !container.contains(active) || active === container) return redraw();
  const before = [...container.querySelectorAll(CONTROLS)];
  const position = before.indexOf(active);
  const key = [rowText(active), active.textContent.trim()];
  redraw();
  if (container.contains(active)) return undefined;
  const after = [...container.querySelectorAll(CONTROLS)].filter((node) => !node.disabled);
  const same = after.find((node) => rowText(node) === key[0] && node.textContent.trim() === key[1]);
  const target = same || after[Math.min(position, after.length - 1)];
  target?.focus({ preventScroll: true });
  return undefined;
}
