from django.urls import path

from urbis.insight import views

app_name = "insight"

urlpatterns = [
    path("insight/methods/", views.methods, name="methods"),
    path("insight/comparisons/<str:key>/", views.comparison, name="comparison"),
    path("insight/case-studies/", views.case_studies, name="case_studies"),
    path("insight/participation/", views.participation, name="participation"),
    path("insight/case-studies/<slug:slug>/", views.case_study, name="case_study"),
    path("cities/<slug:code>/insight/", views.city_insight, name="city"),
    path("cities/<slug:code>/surveys/new/", views.survey_new, name="survey_new"),
    path("cities/<slug:code>/surveys/<slug:slug>/", views.survey, name="survey"),
    path("cities/<slug:code>/surveys/<slug:slug>/results/", views.results, name="results"),
    path("cities/<slug:code>/surveys/<slug:slug>/refresh", views.refresh, name="refresh"),
]
