from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnergyConfig(AppConfig):
    name = "urbis.energy"
    label = "energy"
    verbose_name = _("Energy")
