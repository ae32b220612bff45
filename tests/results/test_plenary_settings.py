"""The control room's choice of reference results, read as plenary settings (results.plenary_settings)."""

import pytest

from results.models import ReferenceDataset
from results.plenary_settings import plenary_reference_changes
from results.services import PlenarySettingsRefused, ResultsRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    return ReferenceDataset.objects.create(title="Made up", illustrative=True)


def test_no_choice_clears_the_reference(event):
    assert plenary_reference_changes(event=event, value="") == {"world_scope": "", "reference_dataset": None}


def test_a_dataset_with_its_scope(event, dataset):
    changes = plenary_reference_changes(event=event, value=f"{dataset.pk}|country|France")
    assert changes == {"world_scope": "", "reference_dataset": dataset, "scope": "country", "scope_name": "France"}


@pytest.mark.parametrize(
    "value",
    ["0|global|", "999999|global|", "12345678901|global|", f"{2**31}|global|", "x|global|", "-1|global|", "|||"],
)
def test_a_dataset_not_in_the_list_is_refused(event, dataset, value):
    with pytest.raises(PlenarySettingsRefused, match="from the list"):
        plenary_reference_changes(event=event, value=value)


@pytest.mark.parametrize("value", ["world|global", "world|country:Atlantis", "world|"])
def test_an_event_outside_a_dialogue_has_no_world_scope_to_choose(event, value):
    with pytest.raises(PlenarySettingsRefused, match="dialogue's results"):
        plenary_reference_changes(event=event, value=value)


def test_every_refusal_of_results_is_a_results_refused():
    assert issubclass(PlenarySettingsRefused, ResultsRefused) and issubclass(ResultsRefused, ValueError)
