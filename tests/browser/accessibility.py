"""Accessibility checks the browser tests share: axe-core over a page, and what a form's errors must be.

axe-core comes bundled inside axe-playwright-python (a pinned file of the package): nothing is fetched
from the internet. The engine is injected into the page as a script, which the strict CSP would refuse,
so the context that runs it is opened with `bypass_csp=True` (only for these checks); every check
asserts that axe actually ran (it lists the rules that passed), so a blocked engine cannot pass by
finding nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

AXE = Axe()
# What the target forbids: "0 serious or critical axe-core violations on every page".
FORBIDDEN_IMPACTS = ("serious", "critical")

# Content inside a closed <details> (the complaint page's hand-over, edit, skip and reopen forms) is not
# rendered, so axe would not look at it: open every disclosure before checking.
OPEN_DISCLOSURES = "document.querySelectorAll('details').forEach(d => { d.open = true; })"


@dataclass
class AxeAudit:
    """axe-core run over many pages; the serious and critical violations found, by page."""

    pages: list[str] = field(default_factory=list)
    found: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    version: str = ""

    def check(self, page: Page, label: str) -> None:
        """Run axe over the page as it is now (every disclosure opened) and keep what it found."""
        page.wait_for_load_state()
        page.evaluate(OPEN_DISCLOSURES)
        results: dict[str, Any] = AXE.run(page, options={"resultTypes": ["violations"]}).response
        assert results["passes"], f"axe-core did not run on {label}: it reports no rule as passed"
        self.version = results["testEngine"]["version"]
        self.pages.append(label)
        bad = [v for v in results["violations"] if v["impact"] in FORBIDDEN_IMPACTS]
        if bad:
            self.found[label] = bad

    def by_rule(self) -> Counter[str]:
        """Return how many elements break each rule, over every page checked."""
        counts: Counter[str] = Counter()
        for violations in self.found.values():
            for v in violations:
                counts[v["id"]] += len(v["nodes"])
        return counts

    def report(self) -> str:
        pages = f"{len(self.found)} of {len(self.pages)} pages"
        lines = [f"axe-core {self.version}: serious or critical violations on {pages}"]
        lines += [f"  {rule}: {count} elements" for rule, count in sorted(self.by_rule().items())]
        for label, violations in self.found.items():
            lines.append(f"- {label}")
            for v in violations:
                lines.append(f"    {v['id']} ({v['impact']}): {v['help']}")
                for node in v["nodes"][:5]:
                    lines.append(f"      {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')!r}")
        return "\n".join(lines)

    def assert_clean(self, *, at_least: int) -> None:
        """Fail with the whole report unless every page passed; `at_least` guards against a shrunken list."""
        assert len(self.pages) >= at_least, f"only {len(self.pages)} pages were checked: {self.pages}"
        assert not self.found, self.report()


class OnlyThisServer:
    """Record every request a page makes to anywhere but the live server (axe must not fetch anything)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.elsewhere: list[str] = []

    def watch(self, page: Page) -> Page:
        def on_request(request: Any) -> None:
            url = str(request.url)
            if not url.startswith((self.base_url, "data:", "blob:")):
                self.elsewhere.append(url)

        page.on("request", on_request)
        return page
