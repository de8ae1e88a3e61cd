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
    path("cities/<slug:code>/commitments/new/", views.commitment_new, name="commitment-new"),
    path("cities/<slug:code>/fitness-checks/new/", views.check_new, name="check-new"),
    path("cities/<slug:code>/innovation-zones/", views.zones, name="zones"),
    path("cities/<slug:code>/innovation-zones/new/", views.zone_new, name="zone-new"),
    path("cities/<slug:code>/innovation-zones/<slug:slug>/", views.zone, name="zone"),
    path("cities/<slug:code>/commitments/<slug:slug>/", views.commitment, name="commitment"),
    path("cities/<slug:code>/fitness-checks/<slug:slug>/", views.fitness_check, name="check"),
    path("cities/<slug:code>/commitments/<slug:slug>/phase/", views.commitment_phase,
         name="commitment-phase"),
    path("cities/<slug:code>/commitments/<slug:slug>/involvement/",
         views.commitment_involvement, name="commitment-involvement"),
    path("cities/<slug:code>/fitness-checks/<slug:slug>/assess/", views.check_assess,
         name="check-assess"),
    path("cities/<slug:code>/one-stop-shops/new/", views.shop_new, name="shop-new"),
    path("cities/<slug:code>/one-stop-shops/<slug:slug>/procedure/", views.shop_procedure,
         name="shop-procedure"),
    path("cities/<slug:code>/project-bundles/new/", views.bundle_new, name="bundle-new"),
    path("cities/<slug:code>/innovation-zones/<slug:slug>/phase/", views.zone_phase,
         name="zone-phase"),
    path("cities/<slug:code>/innovation-zones/<slug:slug>/rule/", views.zone_rule,
         name="zone-rule"),
    path("cities/<slug:code>/innovation-zones/<slug:slug>/rollout/", views.zone_rollout,
         name="zone-rollout"),
    path("cities/<slug:code>/innovation-zones/<slug:slug>/observation/",
         views.zone_observation, name="zone-observation"),
]
