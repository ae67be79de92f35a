"""English is available for every message of the pages: the committed catalogue holds
every message the code and the templates use, each translated, placeholders kept."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "spar" / "web"
CATALOGUE = WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _used() -> set:
    """Every message marked in the pages' code and templates (as babel.cfg extracts)."""
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None,
                "lazy_gettext": None}
    return {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), method_map=method_map, keywords=keywords)}


def _catalogue():
    with CATALOGUE.open("rb") as source:
        return read_po(source, locale="en")


def test_the_catalogue_holds_every_message_of_the_pages():
    known = {m.id for m in _catalogue() if m.id}
    missing = _used() - known
    assert not missing, ("messages absents du catalogue (pybabel extract puis update, voir "
                         f"babel.cfg) : {sorted(missing, key=str)}")


def test_every_message_is_translated_with_its_placeholders():
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"non traduit : {message.id!r}"
        assert not message.fuzzy, f"traduction à revoir : {message.id!r}"
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(ids[-1])), \
                message.id
