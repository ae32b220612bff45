"""`manage.py demo_event`: the demo data of `make demo`, a Day 0 event or (``--dialogue N``) a global
dialogue with N partners; on the top floor, as it builds on every app."""

import json
from datetime import UTC, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dialogues.demo import MAX_PARTNERS, demo_dialogue_create
from results.feedback import feedback_questions_create_defaults
from sessions_app.demo import DEMO_ORGANISER_EMAIL, demo_event_create, demo_event_existing, demo_event_links_expired
from sessions_app.join_links import join_url


class Command(BaseCommand):
    help = (
        "Create the seed's Day 0 event with a session, questions, participants, staff and an organiser; "
        "with --dialogue N, a global dialogue with N partners instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", help="Start time, ISO 8601 (e.g. 2026-12-01T06:30Z); default: now.")
        parser.add_argument("--participants", type=int, default=30, help="Number of participants (default 30).")
        parser.add_argument("--seed", type=int, default=0, help="Seed for the generated people.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of text.")
        parser.add_argument(
            "--new",
            action="store_true",
            help="Create another Day 0 event even if one exists (by default its links are printed again).",
        )
        parser.add_argument(
            "--dialogue",
            type=int,
            metavar="N",
            help="Instead of the Day 0 event, a global dialogue with N partner organisations (1 to 12), "
            "each with one event, groups and submitted results.",
        )

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
        if options["dialogue"] is not None:
            return self._dialogue(options["dialogue"], start, options)
        if not 1 <= options["participants"] <= 100_000:
            raise CommandError("--participants must be between 1 and 100000")
        existing = None if options["new"] else demo_event_existing()
        expired = existing if existing is not None and demo_event_links_expired(existing) else None
        if expired is not None:
            existing = None
        if existing is not None:
            event, password = existing, None
        else:
            demo = demo_event_create(start=start, participants=options["participants"], seed=options["seed"])
            event, password = demo.event, demo.organiser_password
            # The closing page's feedback survey, as an organiser would add it in the admin.
            feedback_questions_create_defaults(event=event)
        site = settings.SITE_URL
        data = {
            "event": event.slug,
            "created": existing is None,
            "urls": {
                "admin": f"{site}{reverse('admin:index')}",
                "control_room": f"{site}{reverse('control_room', kwargs={'slug': event.slug})}",
                "people_and_links": f"{site}{reverse('people_links', kwargs={'slug': event.slug})}",
                "plenary": f"{site}{reverse('plenary', kwargs={'slug': event.slug, 'token': event.plenary_token})}",
            },
            # password None: the account existed, and its password was left as it is.
            "organiser": {"email": DEMO_ORGANISER_EMAIL, "password": password},
            "people": [
                {"name": str(person), "role": person.role, "join_url": join_url(person)}
                for person in event.participants.order_by("role", "pk")
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        if expired is not None:
            self.stdout.write(
                self.style.WARNING(
                    f"The demo event {expired.slug} ended on {expired.ends_at:%Y-%m-%d %H:%M} UTC and its join links "
                    "have expired, so a new one was created:"
                )
            )
        if existing is None:
            self.stdout.write(self.style.SUCCESS(f"Created {event.title} ({event.slug})"))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"The demo event exists already: {event.title} ({event.slug})")
                + "\n  (nothing was changed; `python manage.py demo_event --new` creates another one)"
            )
        self.stdout.write(f"  Organiser sign-in: {data['urls']['admin']}")
        if password is None:
            self.stdout.write(
                f"    e-mail {DEMO_ORGANISER_EMAIL}   password: the one printed when the account was created "
                "(unchanged; `python manage.py changepassword organiser` sets a new one)"
            )
        else:
            self.stdout.write(f"    e-mail {DEMO_ORGANISER_EMAIL}   password {password}")
        self.stdout.write(f"  Control room:      {data['urls']['control_room']}")
        self.stdout.write(f"  Plenary screen:    {data['urls']['plenary']}")
        self.stdout.write(
            f"  People and links:  {data['urls']['people_and_links']}\n"
            f"    every one of the {len(data['people'])} join links, with copy buttons (signed in as the organiser)."
        )
        self.stdout.write("  A few join links (open each in its own private window):")
        for role in ("participant", "facilitator", "note_taker"):
            for person in [p for p in data["people"] if p["role"] == role][:2]:
                self.stdout.write(f"    {person['role']:<12} {person['name']:<24} {person['join_url']}")

    def _dialogue(self, partners: int, start, options):
        if not 1 <= partners <= MAX_PARTNERS:
            raise CommandError(f"--dialogue must be between 1 and {MAX_PARTNERS}")
        demo = demo_dialogue_create(partners=partners, start=start, seed=options["seed"])
        dialogue = demo.dialogue
        site = settings.SITE_URL
        data = {
            "dialogue": dialogue.slug,
            "urls": {
                "sign_in": f"{site}{reverse('account_login')}",
                "coordination": f"{site}{reverse('dialogue_coordinator', kwargs={'slug': dialogue.slug})}",
                "results": f"{site}{_path('dialogue_results', dialogue.slug)}",
                "public_results": f"{site}{_path('public_dialogue_results', dialogue.slug, public=True)}",
                "admin": f"{site}{reverse('admin:dialogues_dialogue_change', args=[dialogue.pk])}",
            },
            "coordinator": {"email": demo.coordinator_email, "password": demo.coordinator_password},
            "partners": [_partner_json(site, dialogue, partner) for partner in demo.partners],
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(self.style.SUCCESS(f"Created the dialogue {dialogue} ({dialogue.slug})"))
        self.stdout.write(f"  Sign in at:        {data['urls']['sign_in']}")
        self.stdout.write(
            f"  Coordinator:       e-mail {demo.coordinator_email}   password {_password(demo.coordinator_password)}"
        )
        self.stdout.write(f"    Coordination:    {data['urls']['coordination']}")
        self.stdout.write(f"    Global results:  {data['urls']['results']}")
        self.stdout.write(f"  Public results (partners who opted in, no sign-in): {data['urls']['public_results']}")
        for partner in data["partners"]:
            public = (
                "opted in to the public page, shares its recommendations"
                if partner["results_public"]
                else "not on the public page"
            )
            self.stdout.write(f"  {partner['organisation']} ({partner['country']}, {public})")
            self.stdout.write(
                f"    e-mail {partner['organiser']['email']}   password {_password(partner['organiser']['password'])}"
            )
            self.stdout.write(f"    Partner page:    {partner['urls']['partner']}")
            self.stdout.write(f"    Control room:    {partner['urls']['control_room']}")


def _partner_json(site: str, dialogue, partner) -> dict:
    event = partner.event
    return {
        "organisation": partner.organisation.name,
        "country": event.country,
        "continent": event.continent,
        "results_public": partner.public,
        "organiser": {"email": partner.organiser_email, "password": partner.organiser_password},
        "event": event.slug,
        "urls": {
            "partner": site + reverse("dialogue_partner", args=[dialogue.slug, partner.organisation.slug]),
            "control_room": site + reverse("control_room", kwargs={"slug": event.slug}),
            "plenary": site + reverse("plenary", kwargs={"slug": event.slug, "token": event.plenary_token}),
        },
    }


def _path(name: str, slug: str, *, public: bool = False) -> str:
    """A page of the dialogue's results, built in another part of the app: its usual address if
    its route is not there."""
    try:
        return reverse(name, kwargs={"slug": slug})
    except NoReverseMatch:
        return f"/public/dialogues/{slug}/" if public else f"/dialogues/{slug}/results/"


def _password(password: str | None) -> str:
    return password if password is not None else "unchanged (the account existed already)"
