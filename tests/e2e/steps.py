"""What every journey does the same way: a field found by its label, an invitation made
with the command line and accepted in the browser, focus moved with the keyboard alone."""

from __future__ import annotations

import re

#: Every person the journeys create signs in with it.
PASSWORD = "une phrase de passe assez longue"


def field(page, label: str):
    """The field whose label starts with ``label`` (optional ones add « (facultatif) »)."""
    return page.get_by_label(re.compile("^" + re.escape(label))).first


def invite(service, role: str, email: str, *options: str) -> str:
    """``spar user invite``'s link (its last line)."""
    return service.spar("user", "invite", "--role", role, "--email", email,
                        *options).strip().splitlines()[-1]


def accept(page, link: str, name: str) -> None:
    """Open an invitation and choose a name and :data:`PASSWORD`."""
    page.goto(link)
    page.get_by_label("Vos prénom et nom").fill(name)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe, de nouveau").fill(PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"{selector} jamais atteint au clavier")
