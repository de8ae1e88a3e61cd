from django.urls import path

from urbis.policy import views

app_name = "policy"

urlpatterns = [
    path("barriers/", views.barriers, name="barriers"),
    path("barriers/<slug:slug>/", views.barrier, name="barrier"),
    path("barriers/<slug:slug>/stance", views.barrier_stance, name="barrier-stance"),
    path("barriers/<slug:slug>/status", views.barrier_move, name="barrier-move"),
    path("network/policy/", views.network_series, name="network"),
    path("cities/<slug:code>/policy/", views.city_policy, name="city"),
    path("cities/<slug:code>/barriers/new/", views.barrier_new, name="barrier-new"),
    path("cities/<slug:code>/innovation-zones/", views.zones, name="zones"),
    path("cities/<slug:code>/innovation-zones/new/", views.zone_new, name="zone-new"),
    path("cities/<slug:code>/innovation-zones/<slug:slug>/", views.zone, name="zone"),
    path("cities/<slug:code>/commitments/<slug:slug>/", views.commitment, name="commitment"),
    path("cities/<slug:code>/fitness-checks/<slug:slug>/", views.fitness_check, name="check"),
]
