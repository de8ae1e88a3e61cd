from django.urls import path

from urbis.scenarios import views

app_name = "scenarios"

urlpatterns = [
    path("cities/<slug:code>/scenarios/", views.scenario_list, name="list"),
    path("cities/<slug:code>/scenarios/inventory/", views.inventory_upload, name="inventory"),
    path("cities/<slug:code>/scenarios/inventories/", views.inventory_list,
         name="inventories"),
    path("cities/<slug:code>/scenarios/inventories/new/", views.inventory_edit,
         name="inventory-new"),
    path("cities/<slug:code>/scenarios/inventories/<int:pk>/", views.inventory_edit,
         name="inventory-edit"),
    path("cities/<slug:code>/scenarios/inventories/<int:pk>/prefill", views.inventory_prefill,
         name="inventory-prefill"),
    path("cities/<slug:code>/scenarios/new/", views.scenario_edit, name="new"),
    path("cities/<slug:code>/scenarios/compare/", views.compare, name="compare"),
    path("cities/<slug:code>/scenarios/factors/", views.factors, name="factors"),
    path("cities/<slug:code>/scenarios/<slug:slug>/", views.scenario_detail, name="detail"),
    path("cities/<slug:code>/scenarios/<slug:slug>/run", views.scenario_run, name="run"),
    path("cities/<slug:code>/scenarios/<slug:slug>/run.csv", views.run_export,
         {"fmt": "csv"}, name="export-csv"),
    path("cities/<slug:code>/scenarios/<slug:slug>/run.json", views.run_export,
         {"fmt": "json"}, name="export-json"),
    path("cities/<slug:code>/scenarios/<slug:slug>/edit/", views.scenario_edit, name="edit"),
    path("cities/<slug:code>/scenarios/<slug:slug>/drivers/new/", views.driver_edit,
         name="driver-new"),
    path("cities/<slug:code>/scenarios/<slug:slug>/drivers/<int:pk>/", views.driver_edit,
         name="driver-edit"),
    path("cities/<slug:code>/scenarios/<slug:slug>/drivers/<int:pk>/delete",
         views.driver_delete, name="driver-delete"),
    path("cities/<slug:code>/scenarios/<slug:slug>/measures/new/", views.measure_edit,
         name="measure-new"),
    path("cities/<slug:code>/scenarios/<slug:slug>/measures/<int:pk>/", views.measure_edit,
         name="measure-edit"),
    path("cities/<slug:code>/scenarios/<slug:slug>/measures/<int:pk>/delete",
         views.measure_delete, name="measure-delete"),
]
