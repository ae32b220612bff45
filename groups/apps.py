from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Breakout groups")

    def ready(self) -> None:
        from groups import tasks  # noqa: F401  (registers the tasks that services queue by name)
