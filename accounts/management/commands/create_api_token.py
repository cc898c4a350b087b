from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print the key (and nothing else)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Created on the command line")

    def handle(self, *args, email: str, name: str, **options):
        try:
            user = User.objects.get(email=email.lower(), is_active=True)
        except User.DoesNotExist as error:
            raise CommandError(f"No active user has the email address {email}") from error
        _, key = api_token_create(user=user, name=name)
        self.stdout.write(key)
