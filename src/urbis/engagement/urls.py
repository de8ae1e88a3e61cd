from django.urls import path

from urbis.engagement import views

app_name = "engagement"
urlpatterns = [
    path("cities/<slug:code>/engagement/", views.city, name="city"),
    path("cities/<slug:code>/engagement/moderation/", views.moderation, name="moderation"),
    path("cities/<slug:code>/engagement/new-process/", views.process_new, name="process-new"),
    path("cities/<slug:code>/engagement/new-workshop/", views.workshop_new, name="workshop-new"),
    path("cities/<slug:code>/engagement/new-study/", views.study_new, name="study-new"),
    path("cities/<slug:code>/engagement/p/<slug:slug>/", views.process, name="process"),
    path("cities/<slug:code>/engagement/p/<slug:slug>/ideas.geojson", views.process_geojson,
         name="process-geojson"),
    path("cities/<slug:code>/engagement/p/<slug:slug>/follow/", views.process_follow,
         name="process-follow"),
    path("cities/<slug:code>/engagement/p/<slug:slug>/new/", views.idea_new, name="idea-new"),
    path("cities/<slug:code>/ideas/<int:idea_id>/", views.idea, name="idea"),
    path("cities/<slug:code>/ideas/<int:idea_id>/edit/", views.idea_edit, name="idea-edit"),
    path("cities/<slug:code>/ideas/<int:idea_id>/vote/", views.idea_vote, name="idea-vote"),
    path("cities/<slug:code>/ideas/<int:idea_id>/follow/", views.idea_follow, name="idea-follow"),
    path("cities/<slug:code>/ideas/<int:idea_id>/comment/", views.idea_comment,
         name="idea-comment"),
    path("cities/<slug:code>/ideas/<int:idea_id>/report/", views.idea_report, name="idea-report"),
    path("cities/<slug:code>/ideas/<int:idea_id>/moderate/", views.idea_moderate,
         name="idea-moderate"),
    path("cities/<slug:code>/workshops/<int:workshop_id>/", views.workshop, name="workshop"),
    path("cities/<slug:code>/workshops/<int:workshop_id>/register/", views.workshop_register,
         name="workshop-register"),
    path("cities/<slug:code>/workshops/<int:workshop_id>/outcome/", views.workshop_outcome,
         name="workshop-outcome"),
    path("cities/<slug:code>/studies/<int:study_id>/", views.study, name="study"),
    path("notifications/", views.notifications, name="notifications"),
]
