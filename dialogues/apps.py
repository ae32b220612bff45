from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialoguesConfig(AppConfig):
    name = "dialogues"
    verbose_name = _("Global dialogues")

    def ready(self) -> None:
        from dialogues.results import world_figures, world_scopes
        from results.comparisons import ComparisonSource, comparison_source_register
        from results.plenary_selectors import WORLD

        # An event's plenary can be compared with its dialogue's results so far.
        comparison_source_register(ComparisonSource(name=WORLD, scopes=world_scopes, figures=world_figures))
