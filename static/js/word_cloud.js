// A word cloud (console and projector): plain HTML, no library. The words are a list, most sent
// first, each in one of five font sizes (flex-wrap: words never overlap) with its count as text,
// so a screen reader hears "데이터, 3" and nobody needs the size or a colour to read the counts.
// The console adds a Hide button to each word and lists the hidden ones with Show again.
import { el } from "./live_socket.js";

export const isWordCloud = (kind) => kind === "word_cloud";

function wordItem(word, { controls, send, questionId }) {
  const item = el("li", { class: `cloud-word s${word.size || 1}`, "data-key": word.key });
  item.append(el("span", { class: "cloud-text" }, word.word));
  item.append(el("span", { class: "cloud-count" }, String(word.count)));
  item.append(el("span", { class: "visually-hidden" }, interpolate(ngettext("(sent %s time)", "(sent %s times)", word.count), [word.count])));
  if (controls) {
    // the name says which word ("Hide “데이터”"), and starts with the visible text (WCAG 2.5.3)
    const hide = el("button", { type: "button", class: "link cloud-hide", "data-testid": "cloud-hide" }, gettext("Hide"));
    hide.append(el("span", { class: "visually-hidden" }, ` “${word.word}”`));
    hide.addEventListener("click", () => send("cloud_hide", { question_id: questionId, word: word.key }));
    item.append(" ", hide);
  }
  return item;
}

// container: an element holding the list (and, on the console, the hidden words' list).
export function renderCloud(container, cloud, { controls = false, send = () => {} } = {}) {
  container.hidden = !cloud;
  if (!cloud) return;
  const options = { controls, send, questionId: cloud.question_id };
  const list = el("ul", { class: "word-cloud", "data-testid": "word-cloud", "aria-label": gettext("Word cloud: the words sent, most sent first, with how many sent each") });
  list.append(...cloud.words.map((word) => wordItem(word, options)));
  const parts = [list];
  if (!cloud.words.length) parts.push(el("p", { class: "hint" }, gettext("No words yet.")));
  if (controls && cloud.hidden.length) {
    const hidden = el("ul", { class: "hidden-words", "data-testid": "hidden-words", "aria-label": gettext("Hidden words") });
    for (const word of cloud.hidden) {
      const item = el("li", {}, interpolate(gettext("%s (hidden, %s)"), [word.word, word.count]));
      const show = el("button", { type: "button", class: "link", "data-testid": "cloud-unhide" }, gettext("Show again"));
      show.append(el("span", { class: "visually-hidden" }, ` “${word.word}”`));
      show.addEventListener("click", () => send("cloud_unhide", { question_id: cloud.question_id, word: word.key }));
      item.append(" ", show);
      hidden.append(item);
    }
    parts.push(el("h3", {}, gettext("Hidden words")), hidden);
  }
  container.replaceChildren(...parts);
}
