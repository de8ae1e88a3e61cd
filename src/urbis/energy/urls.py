from django.urls import path

from urbis.energy import views

app_name = "energy"
urlpatterns = [
    path("cities/<slug:code>/energy/", views.energy_map, name="map"),
    path("cities/<slug:code>/energy/areas/<str:area_code>/", views.area, name="area"),
    path("cities/<slug:code>/energy/upload/", views.upload, name="upload"),
    path(
        "cities/<slug:code>/energy/uploads/<int:pk>/", views.upload_status, name="upload-status"
    ),
    path(
        "cities/<slug:code>/energy/files/<slug:file_hash>/withdraw/", views.withdraw_file,
        name="withdraw-file",
    ),
    path("cities/<slug:code>/energy/pv/", views.pv_installations, name="pv"),
    path(
        "cities/<slug:code>/energy/pv/<int:pk>/remove/", views.remove_pv_installation,
        name="pv-remove",
    ),
    path("cities/<slug:code>/energy/unmetered/", views.unmetered, name="unmetered"),
    path("energy/competition/", views.seasons, name="seasons"),
    path("energy/competition/best-practices/", views.best_practices, name="best-practices"),
    path("energy/competition/<slug:slug>/", views.season, name="season"),
    path("energy/competition/<slug:slug>/enter/", views.enter, name="enter"),
    path("energy/competition/<slug:slug>/entries/<int:pk>/", views.entry, name="entry"),
]
