from django.core.management.base import BaseCommand

from accounts.services import demo_load_all


class Command(BaseCommand):
    help = "Load the demo instructor, room MODULABS and the other demo data (idempotent)."

    def handle(self, *args, **options) -> None:
        _instructor, created = demo_load_all()
        if created:
            self.stdout.write("Demo data created: " + ", ".join(created))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
