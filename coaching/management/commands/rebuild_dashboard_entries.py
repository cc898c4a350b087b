import time

from django.core.management.base import BaseCommand

from coaching.services_dashboards import dashboard_entries_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the dashboards' read model (one entry per project) from scratch, from the records, "
        "in one transaction. Safe at any time: readers see the old entries until it commits."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        built = dashboard_entries_rebuild()
        self.stdout.write(f"Rebuilt {built} dashboard entries in {time.perf_counter() - started:.1f} s.")
