from django.urls import path

from urbis.scenarios import views

app_name = "scenarios"

urlpatterns = [
    path("cities/<slug:code>/scenarios/", views.scenario_list, name="list"),
    path("cities/<slug:code>/scenarios/inventory/", views.inventory_upload, name="inventory"),
    path("cities/<slug:code>/scenarios/<slug:slug>/", views.scenario_detail, name="detail"),
    path("cities/<slug:code>/scenarios/<slug:slug>/run", views.scenario_run, name="run"),
]
