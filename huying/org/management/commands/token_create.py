"""`huying token_create USERNAME --name NAME`: issue an API token and print its key, once."""

from django.core.management.base import BaseCommand, CommandError

from huying.org.models import User
from huying.org.tokens import token_create


class Command(BaseCommand):
    help = "Issue an API token for a user; the key is printed once and only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. the calling system")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        token, key = token_create(user=user, name=name)
        self.stderr.write(f"Token {token.key_prefix}… created for {username}. Copy the key now: it is not shown again.")
        self.stdout.write(key)
