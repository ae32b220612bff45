import json
from datetime import UTC, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from sessions_app.demo import demo_event_create
from sessions_app.join_links import join_url


class Command(BaseCommand):
    help = "Create the seed's Day 0 event with a session, questions, participants, staff and an organiser."

    def add_arguments(self, parser):
        parser.add_argument("--start", help="Start time, ISO 8601 (e.g. 2026-12-01T06:30Z); default: now.")
        parser.add_argument("--participants", type=int, default=30, help="Number of participants (default 30).")
        parser.add_argument("--seed", type=int, default=0, help="Seed for the generated people.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of text.")

    def handle(self, *args, **options):
        start = timezone.now().replace(microsecond=0)
        if options["start"]:
            try:
                start = datetime.fromisoformat(options["start"].replace("Z", "+00:00"))
            except ValueError:
                raise CommandError(
                    f"--start: “{options['start']}” is not an ISO 8601 time such as 2026-12-01T06:30Z"
                ) from None
            if timezone.is_naive(start):
                start = timezone.make_aware(start, UTC)
        if not 1 <= options["participants"] <= 100_000:
            raise CommandError("--participants must be between 1 and 100000")
        demo = demo_event_create(start=start, participants=options["participants"], seed=options["seed"])
        event = demo.event
        site = settings.SITE_URL
        data = {
            "event": event.slug,
            "urls": {
                "admin": f"{site}{reverse('admin:index')}",
                "control_room": f"{site}{reverse('control_room', kwargs={'slug': event.slug})}",
                "plenary": f"{site}{reverse('plenary', kwargs={'slug': event.slug, 'token': event.plenary_token})}",
            },
            "organiser": {"email": demo.organiser_email, "password": demo.organiser_password},
            "people": [
                {"name": str(person), "role": person.role, "join_url": join_url(person)}
                for person in event.participants.order_by("role", "pk")
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(self.style.SUCCESS(f"Created {event.title} ({event.slug})"))
        self.stdout.write(f"  Organiser sign-in: {data['urls']['admin']}")
        self.stdout.write(f"    e-mail {demo.organiser_email}   password {demo.organiser_password}")
        self.stdout.write(f"  Control room:      {data['urls']['control_room']}")
        self.stdout.write(f"  Plenary screen:    {data['urls']['plenary']}")
        self.stdout.write("  Join links (open each in its own private window):")
        for person in data["people"][:8]:
            self.stdout.write(f"    {person['role']:<12} {person['name']:<24} {person['join_url']}")
        self.stdout.write(
            f"    ... and {max(0, len(data['people']) - 8)} more: `python manage.py demo_event --json` prints them all."
        )
