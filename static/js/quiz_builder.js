// Quiz builder: show only the fields of the chosen kind of question, and confirm deletions.
// The page works without it (every field is shown; the server ignores the other kinds' fields).

function showKindFields(form) {
  const kind = form.querySelector("[name=kind]");
  if (!kind) return;
  const update = () => {
    for (const element of form.querySelectorAll("[data-kinds]")) {
      element.hidden = !element.dataset.kinds.split(" ").includes(kind.value);
    }
    for (const element of form.querySelectorAll("[data-kinds-except]")) {
      element.hidden = element.dataset.kindsExcept.split(" ").includes(kind.value);
    }
  };
  kind.addEventListener("change", update);
  update();
}

for (const form of document.querySelectorAll("[data-question-form]")) {
  showKindFields(form);
}

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
