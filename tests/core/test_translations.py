"""The Spanish catalogue is complete and compiled: no English leaks into the default UI."""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SPANISH = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


@dataclass
class Entry:
    msgid: str
    msgstrs: list[str]
    fuzzy: bool
    context: str | None = None


def _entries(po: Path) -> list[Entry]:
    """Every entry but the header; PO entries are blocks separated by blank lines."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,"):
                fuzzy = fuzzy or "fuzzy" in line
            elif line.startswith(("msgctxt", "msgid", "msgstr")):
                key, literal = line.split(" ", 1)
                fields[key] = ast.literal_eval(literal)
            elif line.startswith('"') and key is not None:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            msgstrs = [v for k, v in fields.items() if k.startswith("msgstr")]
            entries.append(Entry(fields["msgid"], msgstrs, fuzzy, fields.get("msgctxt")))
    return entries


def test_every_spanish_entry_is_translated_and_none_is_fuzzy():
    entries = _entries(SPANISH / "django.po")
    assert len(entries) > 400
    assert [e.msgid for e in entries if e.fuzzy or not all(e.msgstrs)] == []


def test_the_compiled_spanish_catalogue_matches_its_source():
    with (SPANISH / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    singular = [e for e in _entries(SPANISH / "django.po") if len(e.msgstrs) == 1]

    def compiled_text(entry: Entry) -> str:
        if entry.context is not None:
            return compiled.pgettext(entry.context, entry.msgid)
        return compiled.gettext(entry.msgid)

    assert [e.msgid for e in singular if compiled_text(e) != e.msgstrs[0]] == []
