"""What the control room's choice of reference results means as plenary settings.

The choice is one value of the control room's list: empty (no comparison), ``world|<scope key>``
(the dialogue's results so far, in one of its scopes) or ``<dataset id>|<scope>|<scope name>``
(a reference dataset shared by all events or of the event's
organisation). Saving the settings is ``services.plenary_settings_update``."""

from django.utils.translation import gettext as _

from results import plenary_selectors
from results.models import ReferenceDataset
from results.services import PlenarySettingsRefused
from sessions_app.models import Event


def plenary_reference_changes(*, event: Event, value: str) -> dict:
    """The settings changes that the chosen reference stands for; refused when it is not in the list."""
    changes = {"world_scope": ""}
    if not value:
        changes["reference_dataset"] = None
    elif value.startswith("world|"):
        scope_key = value.partition("|")[2]
        if value not in {scope["value"] for scope in plenary_selectors.plenary_world_scopes(event)}:
            raise PlenarySettingsRefused(_("Choose a scope of the dialogue's results from the list."))
        changes["world_scope"] = scope_key
    else:
        dataset_id, _sep, rest = value.partition("|")
        scope, _sep, scope_name = rest.partition("|")
        dataset_id = int(dataset_id) if dataset_id.isdigit() and len(dataset_id) <= 10 else 0
        dataset = ReferenceDataset.objects.for_event(event).filter(pk=dataset_id if dataset_id < 2**31 else 0).first()
        if dataset is None:
            raise PlenarySettingsRefused(_("Choose reference results from the list."))
        changes.update(reference_dataset=dataset, scope=scope, scope_name=scope_name)
    return changes
