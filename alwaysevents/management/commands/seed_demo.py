from django.core.management.base import BaseCommand

from alwaysevents.demo import USERS, seed_demo


class Command(BaseCommand):
    help = "Build the demo programme, organisations, projects and users. Safe to run again."

    def handle(self, *args, **options):
        world = seed_demo()
        self.stdout.write(
            f"Demo data ready: {len(world.organisations)} organisations, {len(world.projects)} projects, "
            f"{len(world.users)} users."
        )
        for email, _, role, _ in USERS:
            self.stdout.write(f"  {email:<22} {role.label}")
