// Shared helpers for the small page modules: CSRF for fetch, and a WebSocket URL.
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}${path}`;
}

// A banner for pages that hold a live socket: shows when the connection drops and comes back.
export function connectionBanner() {
  const banner = document.createElement("div");
  banner.className = "connection-banner";
  banner.setAttribute("role", "status");
  banner.hidden = true;
  document.body.prepend(banner);
  return {
    lost() {
      banner.textContent = gettext("Connection lost. Reconnecting…");
      banner.hidden = false;
    },
    restored() {
      banner.textContent = gettext("Connected again.");
      window.setTimeout(() => { banner.hidden = true; }, 1500);
    },
  };
}
