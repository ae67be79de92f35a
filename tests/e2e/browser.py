"""Driving Debian's Chromium with Playwright, checking each page with axe-core and
saving what it looked like, at desktop width and at 375 px.

Screenshots go to ``tests/e2e/screenshots/<journey>/`` (git-ignored), with
``axe.json`` there listing every page's violations by impact.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe-core" / "axe.min.js"
SHOTS = HERE / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
#: Impacts that fail a page (minor and moderate ones are reported, not refused).
BLOCKING = ("serious", "critical")


@contextlib.contextmanager
def launch():
    """The browser, or a skip that says what is missing (a failure when CI requires it)."""
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "Playwright n'est pas installé (pip install -e '.[test]')"
    if missing is None and not CHROMIUM.exists():
        missing = (f"Chromium absent ({CHROMIUM}) : les tests dans le navigateur demandent le "
                   "paquet Debian « chromium » (apt-get install -y chromium)")
    if missing:
        if os.environ.get("SPAR_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class Journey:
    """One person's way through the pages: each page checked with axe, photographed."""

    def __init__(self, chromium, name: str, base_url: str):
        self.name = name
        self.base_url = base_url
        self.folder = SHOTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.context = chromium.new_context(viewport=DESKTOP, locale="fr-FR",
                                            base_url=base_url)
        # an init script, like a browser extension: not subject to the pages' CSP
        self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.count = 0
        self.report: dict[str, dict] = {}

    def close(self) -> None:
        (self.folder / "axe.json").write_text(json.dumps(self.report, indent=2,
                                                         ensure_ascii=False))
        self.context.close()

    def check(self, name: str) -> dict[str, int]:
        """axe on the page at both widths, then a full-page screenshot at each; the page
        fails on any serious or critical violation."""
        self.count += 1
        stem = f"{self.count:02d}-{slug(name)}"
        found: dict[str, list] = {}
        for label, size in (("desktop", DESKTOP), ("375", PHONE)):
            self.page.set_viewport_size(size)
            self.page.wait_for_timeout(100)  # the page's own resize handlers run first
            violations = self.page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
                "nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))")
            found[label] = violations
            self.page.screenshot(path=str(self.folder / f"{stem}-{label}.png"), full_page=True)
        self.page.set_viewport_size(DESKTOP)
        impacts = Counter(v["impact"] for vs in found.values() for v in vs)
        self.report[stem] = {"url": self.page.url, "impacts": dict(impacts),
                             "violations": found}
        blocking = [v for vs in found.values() for v in vs if v["impact"] in BLOCKING]
        assert not blocking, f"{name} : violations axe graves ou critiques : {blocking}"
        return dict(impacts)
