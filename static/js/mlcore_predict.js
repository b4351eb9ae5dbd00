// "Try it" on a model's page: draw or pick a picture (image models), fill a row (table models) or
// type a text (text models, answered while typing, with the words that decided it);
// POST /api/models/<id>/predict/ answers synchronously with the top classes or a number.
import { csrfToken } from "./app.js";

const box = document.querySelector("[data-role=predict]");

function show(list, result) {
  list.replaceChildren();
  if (result.error) {
    const item = document.createElement("li");
    item.textContent = result.error.message;
    list.append(item);
    return;
  }
  if (result.value !== undefined) {
    const item = document.createElement("li");
    item.textContent = interpolate(gettext("Prediction: %(value)s"), { value: Number(result.value).toFixed(2) }, true);
    list.append(item);
    return;
  }
  for (const { label, probability } of result.top) {
    const item = document.createElement("li");
    const bar = document.createElement("span");
    bar.className = "ml-bar";
    bar.style.width = `${Math.max(2, Math.round(probability * 160))}px`;
    item.append(`${label} `, bar, ` ${(probability * 100).toFixed(1)}%`);
    list.append(item);
  }
}

async function send(body, json) {
  const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
  if (json) headers["Content-Type"] = "application/json";
  try {
    const response = await fetch(box.dataset.url, {
      method: "POST", credentials: "same-origin", headers, body: json ? JSON.stringify(body) : body,
    });
    return await response.json();
  } catch {
    return { error: { message: gettext("The answer could not be fetched. Check the connection.") } };
  }
}

function showWords(target, result) {
  // The text with the words that pushed it toward the answer marked, strongest first in the title.
  target.replaceChildren();
  if (!result || result.error || !result.spans) return;
  const decided = new Set((result.words || []).map((w) => w.start));
  const text = target.dataset.text || "";
  let at = 0;
  for (const span of result.spans) {
    if (span.start > at) target.append(text.slice(at, span.start));
    if (decided.has(span.start)) {
      const mark = document.createElement("mark");
      mark.textContent = span.word;
      mark.title = `+${span.weight.toFixed(2)}`;
      target.append(mark);
    } else {
      target.append(span.word);
    }
    at = span.end;
  }
  if (at < text.length) target.append(text.slice(at));
}

function textTry(answer) {
  const form = box.querySelector("[data-role=text-form]");
  const words = box.querySelector("[data-role=words]");
  const input = form.querySelector("textarea");
  let timer = null;
  let asked = 0;
  const ask = async () => {
    const text = input.value;
    const mine = ++asked;
    if (!text.trim()) {
      answer.replaceChildren();
      words.replaceChildren();
      return;
    }
    const result = await send({ text }, true);
    if (mine !== asked) return; // a newer question is on its way
    show(answer, result);
    words.dataset.text = text.normalize("NFC");
    showWords(words, result);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    ask();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
}

if (box) {
  const answer = box.querySelector("[data-role=answer]");
  if (box.dataset.kind === "text") {
    textTry(answer);
  } else if (box.dataset.kind === "image") {
    const pad = box.querySelector("[data-role=pad]");
    const ctx = pad.getContext("2d");
    const clear = () => {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, pad.width, pad.height);
    };
    clear();
    let drawing = false;
    const at = (event) => {
      const rect = pad.getBoundingClientRect();
      return [(event.clientX - rect.left) * pad.width / rect.width, (event.clientY - rect.top) * pad.height / rect.height];
    };
    pad.addEventListener("pointerdown", (event) => {
      drawing = true;
      pad.setPointerCapture(event.pointerId);
      ctx.beginPath();
      ctx.moveTo(...at(event));
    });
    pad.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      ctx.lineWidth = 16;
      ctx.lineCap = ctx.lineJoin = "round";
      ctx.strokeStyle = "#000";
      ctx.lineTo(...at(event));
      ctx.stroke();
    });
    pad.addEventListener("pointerup", () => { drawing = false; });
    box.querySelector("[data-action=clear]").addEventListener("click", () => { clear(); answer.replaceChildren(); });
    box.querySelector("[data-action=guess]").addEventListener("click", async () => {
      const blob = await new Promise((resolve) => pad.toBlob(resolve, "image/png"));
      const body = new FormData();
      body.append("file", blob, "drawing.png");
      show(answer, await send(body, false));
    });
    box.querySelector("[data-role=file]").addEventListener("change", async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      const body = new FormData();
      body.append("file", file);
      show(answer, await send(body, false));
    });
  } else {
    box.querySelector("[data-role=row-form]").addEventListener("submit", async (event) => {
      event.preventDefault();
      const row = Object.fromEntries(new FormData(event.target).entries());
      show(answer, await send({ row }, true));
    });
  }
}
