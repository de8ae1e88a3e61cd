from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "urbis.opendata"
    label = "opendata"
    verbose_name = "Open data"
