from django.urls import path

from urbis.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("basemap.pmtiles", views.basemap, name="basemap"),
]
