from django.urls import path

from urbis.insight import views

app_name = "insight"

urlpatterns = [
    path("insight/methods/", views.methods, name="methods"),
    path("insight/comparisons/<str:key>/", views.comparison, name="comparison"),
    path("insight/case-studies/", views.case_studies, name="case_studies"),
    path("insight/participation/", views.participation, name="participation"),
    path("insight/case-studies/<slug:slug>/", views.case_study, name="case_study"),
    path("insight/case-studies/<slug:slug>/edit/", views.case_study_edit,
         name="case_study_edit"),
    path("cities/<slug:code>/insight/", views.city_insight, name="city"),
    path("cities/<slug:code>/case-studies/new/", views.case_study_new, name="case_study_new"),
    path("cities/<slug:code>/pilots/new/", views.pilot_new, name="pilot_new"),
    path("cities/<slug:code>/pilots/<slug:slug>/", views.pilot, name="pilot"),
    path("cities/<slug:code>/pilots/<slug:slug>/edit/", views.pilot_edit, name="pilot_edit"),
    path("cities/<slug:code>/labs/<slug:slug>/", views.lab, name="lab"),
    path("cities/<slug:code>/hack-days/new/", views.hack_day_new, name="hack_day_new"),
    path("cities/<slug:code>/hack-days/<slug:slug>/", views.hack_day, name="hack_day"),
    path("cities/<slug:code>/hack-days/<slug:slug>/edit/", views.hack_day_edit,
         name="hack_day_edit"),
    path("cities/<slug:code>/hack-days/<slug:slug>/initiatives/<int:pk>/idea/",
         views.initiative_idea, name="initiative_idea"),
    path("cities/<slug:code>/partnerships/new/", views.partnership_new,
         name="partnership_new"),
    path("cities/<slug:code>/partnerships/<int:pk>/edit/", views.partnership_edit,
         name="partnership_edit"),
    path("cities/<slug:code>/surveys/new/", views.survey_new, name="survey_new"),
    path("cities/<slug:code>/surveys/<slug:slug>/", views.survey, name="survey"),
    path("cities/<slug:code>/surveys/<slug:slug>/results/", views.results, name="results"),
    path("cities/<slug:code>/surveys/<slug:slug>/refresh", views.refresh, name="refresh"),
]
