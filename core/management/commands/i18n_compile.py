"""Compile every .po catalogue to .mo with polib, so no system gettext is needed to run."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the ko/en message catalogues (.po -> .mo)."

    def handle(self, *args, **options) -> None:
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                po = polib.pofile(str(po_path))
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                po.save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
