"""Reference datasets owned by an organisation: its organisers add, change, delete and import into
them; shared ones (no organisation) they only read; another organisation's they never see, and the
plenary's choice offers only the event organisation's and the shared ones."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from results.models import PlenarySettings, ReferenceDataset, ReferenceResult
from results.plenary_selectors import plenary_scopes
from results.plenary_settings import plenary_reference_changes
from results.services import PlenarySettingsRefused

pytestmark = pytest.mark.django_db

GOOD_CSV = b"question_code,option_code,scope,scope_name,count,percent,n\nq1,threat,global,,9,,100\n"
ADMIN = "/admin/results/referencedataset/"


def _dataset(title, organisation=None):
    dataset = ReferenceDataset.objects.create(title=title, organisation=organisation)
    ReferenceResult.objects.create(dataset=dataset, question_code="q1", option_code="a", scope="global", n=5, count=1)
    return dataset


@pytest.fixture
def datasets(organisation, other_organiser):
    return {
        "shared": _dataset("Shared 2020"),
        "own": _dataset("Own survey", organisation),
        "foreign": _dataset("Foreign survey", other_organiser.organisations.get()),
    }


def test_an_organiser_adds_a_dataset_for_their_organisation_and_imports_into_it(client, organiser, organisation):
    client.force_login(organiser)
    page = client.get(f"{ADMIN}add/").content.decode()
    assert "Partner B" not in page
    response = client.post(f"{ADMIN}add/", {"title": "Our 2024 survey", "organisation": organisation.pk, **_inline()})
    assert response.status_code == 302, response.content.decode()[:3000]
    dataset = ReferenceDataset.objects.get(title="Our 2024 survey")
    assert dataset.organisation == organisation
    upload = SimpleUploadedFile("results.csv", GOOD_CSV, content_type="text/csv")
    response = client.post(f"{ADMIN}{dataset.pk}/import/", {"file": upload})
    assert response.status_code == 302
    assert dataset.results.get().count == 9
    response = client.post(f"{ADMIN}{dataset.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not ReferenceDataset.objects.filter(pk=dataset.pk).exists()


def _inline(prefix="results"):
    return {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0}


def test_an_organiser_cannot_make_a_shared_dataset_or_give_one_to_another_organisation(
    client, organiser, other_organiser
):
    client.force_login(organiser)
    for organisation in ("", other_organiser.organisations.get().pk):
        response = client.post(f"{ADMIN}add/", {"title": "Sneaky", "organisation": organisation, **_inline()})
        assert response.status_code == 200, organisation
    assert not ReferenceDataset.objects.filter(title="Sneaky").exists()


def test_shared_datasets_are_read_only_and_foreign_ones_unseen(client, organiser, datasets):
    client.force_login(organiser)
    listing = client.get(ADMIN).content.decode()
    assert "Shared 2020" in listing and "Own survey" in listing and "Foreign survey" not in listing
    assert "reference-results-template" in listing or "template/" in listing
    shared, foreign = datasets["shared"], datasets["foreign"]
    page = client.get(f"{ADMIN}{shared.pk}/change/").content.decode()
    assert f"{shared.pk}/import/" not in page and 'name="title"' not in page
    response = client.post(f"{ADMIN}{shared.pk}/change/", {"title": "Changed", **_inline()})
    assert response.status_code == 403
    assert client.post(f"{ADMIN}{shared.pk}/delete/", {"post": "yes"}).status_code == 403
    upload = SimpleUploadedFile("results.csv", GOOD_CSV, content_type="text/csv")
    assert client.post(f"{ADMIN}{shared.pk}/import/", {"file": upload})["Location"] == "/admin/"
    for url in (f"{foreign.pk}/change/", f"{foreign.pk}/delete/", f"{foreign.pk}/import/"):
        response = client.post(f"{ADMIN}{url}", {"title": "Changed", "post": "yes", **_inline()})
        assert response.status_code in (302, 404), url
        assert "Foreign" not in client.get(f"{ADMIN}{url}").content.decode(), url
    assert ReferenceDataset.objects.filter(title__in=["Shared 2020", "Foreign survey"]).count() == 2
    assert shared.results.count() == 1 and foreign.results.count() == 1


def test_an_organiser_cannot_move_their_dataset_to_another_organisation(client, organiser, datasets):
    client.force_login(organiser)
    own, foreign = datasets["own"], datasets["foreign"]
    client.post(
        f"{ADMIN}{own.pk}/change/", {"title": "Own survey", "organisation": foreign.organisation_id, **_inline()}
    )
    own.refresh_from_db()
    assert own.organisation_id != foreign.organisation_id


def test_the_plenary_offers_only_the_events_organisations_and_the_shared_datasets(event, datasets):
    titles = {scope["title"] for scope in plenary_scopes(event)}
    assert titles == {"Shared 2020", "Own survey"}
    assert plenary_reference_changes(event=event, value=f"{datasets['own'].pk}|global|")["reference_dataset"]
    with pytest.raises(PlenarySettingsRefused, match="from the list"):
        plenary_reference_changes(event=event, value=f"{datasets['foreign'].pk}|global|")


def test_the_plenary_settings_refuse_another_organisations_dataset(event, datasets):
    settings_ = PlenarySettings(event=event, reference_dataset=datasets["foreign"])
    with pytest.raises(ValidationError, match="organisation"):
        settings_.full_clean()
    PlenarySettings(event=event, reference_dataset=datasets["own"]).full_clean()


def test_the_control_room_says_how_to_add_reference_results(client, organiser, event):
    client.force_login(organiser)
    page = client.get(f"/events/{event.slug}/control/").content.decode()
    assert 'id="no-reference-results"' in page and ADMIN in page
    _dataset("Shared 2020")
    assert 'id="no-reference-results"' not in client.get(f"/events/{event.slug}/control/").content.decode()
