from django.core.management.base import BaseCommand, CommandError

from demo.national import EMAIL_DOMAIN, AlreadySeeded, seed_national
from demo.seed import USERS, seed_demo


class Command(BaseCommand):
    help = (
        "Build the demo programme, organisations, projects and users. Safe to run again. "
        "With --scale national, "
        "build the national-scale synthetic data set instead (once; --reset rebuilds it)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["demo", "national"],
            default="demo",
            help="demo: the small demo world (default). national: 42 systems, 600 projects, 187,200 points.",
        )
        parser.add_argument(
            "--reset", action="store_true", help="With --scale national: delete the national data first."
        )

    def handle(self, *args, **options):
        if options["scale"] == "national":
            self._national(reset=options["reset"])
            return
        if options["reset"]:
            raise CommandError("--reset only applies to --scale national")
        world = seed_demo()
        self.stdout.write(
            f"Demo data ready: {len(world.organisations)} organisations, {len(world.projects)} projects, "
            f"{len(world.users)} users."
        )
        for email, _, role, _ in USERS:
            self.stdout.write(f"  {email:<25} {role.label}")

    def _national(self, *, reset: bool) -> None:
        self.stdout.write(
            "Seeding the national data set" + (" (deleting the old one first)" if reset else "")
        )
        try:
            summary = seed_national(reset=reset, log=self.stdout.write)
        except AlreadySeeded as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"Sign in as admin@{EMAIL_DOMAIN}, coach.cohort1@{EMAIL_DOMAIN} (300 projects), "
            f"viewer.qn01@{EMAIL_DOMAIN} or team.1@{EMAIL_DOMAIN}, with the demo password."
        )
