from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "urbis.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from urbis.places import checks  # noqa: F401  (registers the system checks)
