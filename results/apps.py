from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = _("Results")

    def ready(self) -> None:
        from results import signals, tasks  # noqa: F401  (tasks: registers those queued by name)
        from results.services import reference_demo_attach
        from sessions_app.demo import demo_extra_register

        # The demo event compares its groups with the illustrative reference figures out of the box.
        demo_extra_register(reference_demo_attach)
