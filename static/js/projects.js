// The project canvas pages: print buttons, copy-to-clipboard for invite links, and a confirm
// before destructive buttons. Everything works without it; this only saves clicks.

function announce(target, text) {
  const status = target.closest("[data-copy]")?.querySelector("[data-copy-status]");
  if (status) status.textContent = text;
}

document.addEventListener("click", async (event) => {
  const print = event.target.closest("[data-action='print']");
  if (print) {
    event.preventDefault();
    window.print();
    return;
  }
  const copy = event.target.closest("[data-action='copy']");
  if (copy) {
    event.preventDefault();
    const input = copy.closest("[data-copy]").querySelector("input");
    try {
      await navigator.clipboard.writeText(input.value);
      announce(copy, gettext("Copied."));
    } catch {
      input.select();
      announce(copy, gettext("Select the link and copy it."));
    }
  }
});

document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.querySelectorAll("[data-action='print']").forEach((button) => { button.hidden = false; });

// While a data sample's learning curve is measured: follow its progress, reload when it is done.
const curveStatus = document.querySelector("[data-role='curve-status']");
if (curveStatus) {
  const bar = curveStatus.querySelector("progress");
  const follow = async () => {
    try {
      const response = await fetch(curveStatus.dataset.statusUrl, { headers: { Accept: "application/json" } });
      const body = await response.json();
      if (!body.job || body.job.finished) {
        window.location.reload();
        return;
      }
      if (bar) bar.value = body.job.progress;
    } catch {
      // offline for a moment: try again at the next tick
    }
    window.setTimeout(follow, 1500);
  };
  window.setTimeout(follow, 1500);
}
