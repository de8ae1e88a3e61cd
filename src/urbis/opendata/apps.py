from importlib.util import find_spec
from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save


class OpendataConfig(AppConfig):
    name = "urbis.opendata"
    label = "opendata"
    verbose_name = "Open data"

    def ready(self) -> None:
        from urbis.opendata import catalog

        # Any write to a model of an app that publishes layers may change the catalogue.
        publishing = {config.label for config in apps.get_app_configs()
                      if find_spec(f"{config.name}.layers") is not None}

        def changed(sender: Any, **kwargs: object) -> None:
            if sender._meta.app_label in publishing:
                catalog.invalidate_on_commit()

        # Connected per model: a receiver for every model would stop Django's fast bulk
        # deletes everywhere.
        for model in apps.get_models():
            if model._meta.app_label in publishing:
                for signal in (post_save, post_delete):
                    signal.connect(changed, sender=model, weak=False,
                                   dispatch_uid=f"opendata-catalog-{model._meta.label}-{id(signal)}")
        m2m_changed.connect(changed, weak=False, dispatch_uid="opendata-catalog-m2m")
