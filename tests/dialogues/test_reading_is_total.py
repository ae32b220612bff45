"""One site's stored results that fail the checks (stored before them, or by hand in the
database) never break the dialogue's live results, its public page or its open data: they are
left out, and every other site and group still counts."""

import pytest
from django.db import connection

from infrastructure.caching import clear_process_caches
from results.models import NoteRevision, SessionTally
from tests.dialogues.scenarios import make_two_sites

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PAGES = [
    "/dialogues/{slug}/results/",
    "/dialogues/{slug}/results.json",
    "/public/dialogues/{slug}/",
    "/public/dialogues/{slug}/results.csv",
    "/public/dialogues/{slug}/results.json",
]


@pytest.mark.parametrize(
    "raw_json",
    [
        '{"answers": {"q1": {"counts": {"opportunity": %s}}}}' % ("9" * 5000),
        '{"answers": {"q1": {"counts": {"opportunity": %s, "threat": 1}}}}' % ("9" * 4300),
        '{"answers": {"q1": {"counts": {"opportunity": 1000000}}}}',
    ],
)
def test_a_poisoned_revision_of_one_site_breaks_no_page(client, dialogue, coordinator, django_user_model, raw_json):
    clear_process_caches()
    world = make_two_sites(dialogue, france_tags="G20", django_user_model=django_user_model)
    dialogue.public = True
    dialogue.save()
    kenya = NoteRevision.objects.get(submission__group__event=world["kenya"])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE results_noterevision SET data = %s::jsonb WHERE id = %s", [raw_json, kenya.pk])
        # As a tally counted from it before the checks: unreadable, and by older rules.
        cursor.execute(
            "UPDATE results_sessiontally SET data = %s::jsonb, questions_key = 'old' WHERE session_id IN "
            "(SELECT id FROM sessions_app_session WHERE event_id = %s)",
            ['{"groups": 1, "questions": {"q1": {"valid": %s}}}' % ("9" * 5000), world["kenya"].pk],
        )
    client.force_login(coordinator)
    for page in PAGES:
        response = client.get(page.format(slug=dialogue.slug))
        assert response.status_code == 200, page
    snapshot = client.get(f"/dialogues/{dialogue.slug}/results.json").json()
    q1 = next(q for q in snapshot["sessions"][0]["questions"] if q["code"] == "q1")
    europe = q1["figures"]["continent:europe"]
    assert europe.get("suppressed") or europe["n"] == 6  # France's two groups still count
    tally = SessionTally.objects.get(session__event=world["kenya"], session__code=snapshot["sessions"][0]["code"])
    assert tally.questions_key.startswith("r2:") and tally.data["questions"].get("q1", {}).get("valid", 0) < 1000
