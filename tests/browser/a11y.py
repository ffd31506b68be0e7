"""axe-core audits for browser tests: `await assert_accessible(page, "home")` fails on any critical or serious finding.

axe runs from the vendored copy (vendor/axe-core/, no network at test time). It is evaluated through Playwright
rather than added as a <script> tag: the site's CSP forbids inline scripts, and the audit must see the page as
members get it, CSP included. Findings of lower impact (moderate, minor) are returned by `audit` but do not fail."""

from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")

# Returns plain data: Playwright cannot hand DOM nodes back, and the report needs only selectors and snippets.
_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary || ""})),
  }));
}"""


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


async def audit(page: Any) -> list[dict[str, Any]]:
    """Every axe violation on the page as it is now (after scripts ran), each with its impact and nodes."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = await page.evaluate(_RUN)
    return violations


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(name: str, violations: list[dict[str, Any]]) -> str:
    """A readable report: one block per rule, the elements it found, and what to fix."""
    lines = [f"{name}: {len(violations)} accessibility violation(s)"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            lines.extend(f"      {line.strip()}" for line in node["summary"].splitlines() if line.strip())
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more element(s)")
    return "\n".join(lines)


async def assert_accessible(page: Any, name: str) -> None:
    """Fail with a readable report when axe finds a critical or serious violation on the page."""
    found = blocking(await audit(page))
    assert not found, describe(name, found)
