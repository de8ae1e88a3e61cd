from django.urls import path

from urbis.people import city_views

app_name = "people-city"
urlpatterns = [
    path("cities/<slug:code>/members/", city_views.members, name="members"),
    path(
        "cities/<slug:code>/members/<int:user_id>/revoke/", city_views.revoke, name="revoke"
    ),
]
