// Shared by the console and the projector: the host socket's state, kept in one place.
import { LiveSocket } from "./live_socket.js";

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
        this.deadlineMs = data.deadline_ms;
        this.serverNowMs = data.server_now_ms;
        if (data.session.state === "reveal" && data.question) {
          this.reveal = { ...data.question, distribution: data.tally?.distribution || [], top: data.leaderboard };
        }
        break;
      case "participant_joined":
        this.people.set(data.participant.id, data.participant);
        this.grid.rows.push({ participant: data.participant, removed: false, cells: this.grid.questions.map(() => null) });
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
        this.deadlineMs = data.deadline_ms;
        this.serverNowMs = data.opened_at_ms;
        this.vote = data.vote || 1;
        break;
      case "tally":
        if (data.question_id === undefined || data.question_id === this.question?.id) this.tally = data;
        for (const cell of data.cells || []) this.setCell(cell);
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
  if (!Array.isArray(distribution)) {
    for (const [text, count] of Object.entries(distribution || {})) appendBar(container, text, count, 1, false);
    return;
  }
  const max = Math.max(1, ...distribution);
  options.forEach((text, index) => {
    appendBar(container, typeof text === "string" ? text : text.text, distribution[index] || 0, max, correct.includes(index), index);
  });
}

function appendBar(container, label, count, max, isCorrect, index = 0) {
  const row = document.createElement("div");
  row.className = `bar c${index % 6}${isCorrect ? " correct" : ""}`;
  const name = document.createElement("span");
  name.className = "bar-label";
  name.textContent = (isCorrect ? "✓ " : "") + label;
  const fill = document.createElement("span");
  fill.className = "bar-fill";
  fill.style.width = `${Math.round((100 * count) / Math.max(max, 1))}%`;
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
