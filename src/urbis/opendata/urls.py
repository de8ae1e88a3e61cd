from django.urls import path

from urbis.opendata import views

app_name = "opendata"

urlpatterns = [
    path("ogc/", views.landing, name="landing"),
    path("ogc/api", views.api, name="api"),
    path("ogc/conformance", views.conformance, name="conformance"),
    path("ogc/collections", views.collections, name="collections"),
    path("ogc/collections/<str:collection_id>", views.collection, name="collection"),
    path("ogc/collections/<str:collection_id>/queryables", views.queryables, name="queryables"),
    path("ogc/collections/<str:collection_id>/items", views.items, name="items"),
    path("ogc/collections/<str:collection_id>/items/<str:feature_id>", views.item, name="item"),
    path("catalog", views.catalog_view, name="catalog"),
    path("cities/<slug:code>/open-data/", views.city_open_data, name="city"),
    path("cities/<slug:code>/open-data.zip", views.bulk_zip, name="zip"),
    path("cities/<slug:code>/open-data/<slug:layer_id>.<str:fmt>", views.download,
         name="download"),
]
