"""axe-core in a Playwright page: inject the vendored ``axe.min.js`` (npm ``axe-core`` 4.x, no CDN),
run it with the WCAG 2.0/2.1/2.2 A and AA rules, and report the critical and serious violations.

``assert_accessible(page, "phone question")`` fails listing each violation's rule id, impact,
help text and target selectors; ``violations(page)`` returns them for a test that gathers several
pages before it asserts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("critical", "serious")

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summaries: v.nodes.map((n) => n.failureSummary || ""),
  }));
}"""


def violations(page: Any, *, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """The page's axe violations of the WCAG A/AA rules whose impact is in ``impacts``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_PATH))
    found = page.evaluate(_RUN, WCAG_TAGS)
    return [item for item in found if item["impact"] in impacts]


def describe(found: list[dict[str, Any]]) -> str:
    """One block per violation: rule, impact, help, then up to eight target selectors."""
    lines = []
    for item in found:
        lines.append(f"- {item['id']} ({item['impact']}): {item['help']}")
        for target, summary in list(zip(item["targets"], item["summaries"], strict=False))[:8]:
            first = summary.splitlines()[1].strip() if summary.count("\n") else summary
            lines.append(f"    {target}  -- {first}")
        if len(item["targets"]) > 8:
            lines.append(f"    ... and {len(item['targets']) - 8} more")
    return "\n".join(lines)


def assert_accessible(page: Any, name: str = "") -> None:
    """Fail with the list of critical and serious WCAG A/AA violations on ``page``."""
    found = violations(page)
    assert not found, f"axe found {len(found)} critical/serious violation(s) on {name or page.url}:\n" + describe(found)


#: Text on screen, not its copy in the phone's visually hidden announcer (``static/js/announce.js``):
#: ``page.get_by_text(...).and_(page.locator(NOT_ANNOUNCER))``.
NOT_ANNOUNCER = ":not([data-testid=announcer])"
