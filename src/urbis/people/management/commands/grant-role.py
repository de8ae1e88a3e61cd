from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from urbis.people import services
from urbis.people.models import Role, User
from urbis.places.models import City


class Command(BaseCommand):
    help = "Give an account a role in a city (creating the account if --create is given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--city", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--create", action="store_true", help="create the account if missing")

    def handle(self, *args: Any, **options: Any) -> None:
        city = City.objects.filter(code=options["city"]).first()
        if city is None:
            raise CommandError(f"No city with code {options['city']!r}.")
        email = options["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            if not options["create"]:
                raise CommandError(f"No account {email!r} (add --create to create it).")
            user = User.objects.create_user(email, None)  # unusable password: reset by e-mail
        try:
            services.grant_role(by=None, user=user, city=city, role=options["role"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{email} is now {options['role']} in {city.name}."))
