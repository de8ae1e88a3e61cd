from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "urbis.web"
    label = "web"
