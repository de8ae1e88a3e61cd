from django.urls import path

from urbis.places import views

app_name = "places"
urlpatterns = [
    path("cities.geojson", views.cities_geojson, name="cities-geojson"),
    path("cities/<slug:code>/", views.city, name="city"),
    path("cities/<slug:code>/areas/<str:area_code>/", views.area, name="area"),
    path(
        "cities/<slug:code>/areas/<str:area_code>/boundary.geojson",
        views.area_geojson,
        name="area-geojson",
    ),
]
