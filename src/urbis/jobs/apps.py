from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # The shared cache lives in a table that `migrate` does not create by itself; creating it
    # here means every `urbis migrate` (and so `urbis demo`) leaves a working cache behind.
    if sender.label != JobsConfig.label:
        return
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class JobsConfig(AppConfig):
    name = "urbis.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        post_migrate.connect(_create_cache_table, sender=self)
        # Each app's tasks.py registers its tasks and what to do when one is interrupted.
        autodiscover_modules("tasks")
