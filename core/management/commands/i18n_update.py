"""Refresh the catalogues from the code and report what still lacks a Korean translation.

English is the source language: its catalogue is filled with the source strings, so
both catalogues stay complete. Korean entries need a translator (or a developer).
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORE = [".venv/*", "var/*", "tests/*", "bench/*", "node_modules/*"]


def untranslated_entries(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


class Command(BaseCommand):
    help = "Run makemessages for ko and en (django and djangojs) and list missing Korean translations."

    def handle(self, *args, **options) -> None:
        for domain in ("django", "djangojs"):
            call_command(
                "makemessages",
                locale=["ko", "en"],
                domain=domain,
                ignore_patterns=IGNORE,
                no_obsolete=True,
                verbosity=0,
            )
        locale_dir = Path(settings.LOCALE_PATHS[0])
        for po_path in sorted(locale_dir.glob("en/LC_MESSAGES/*.po")):
            po = polib.pofile(str(po_path))
            for entry in po:
                # The source strings are English: never keep msgmerge's fuzzy guesses.
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                else:
                    entry.msgstr = entry.msgid
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            po.save()
        missing = []
        for po_path in sorted(locale_dir.glob("ko/LC_MESSAGES/*.po")):
            missing += [f"{po_path.name}: {msgid}" for msgid in untranslated_entries(po_path)]
        if missing:
            self.stdout.write(f"{len(missing)} Korean translation(s) missing:")
            for line in missing:
                self.stdout.write("  " + line)
        else:
            self.stdout.write("Catalogues are complete.")
