from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from urbis.people import city_views, privacy_views, views

app_name = "people"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("tokens/", city_views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", city_views.revoke_token, name="revoke-token"),
    path(
        "login/",
        views.LoginView.as_view(),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        views.PasswordResetView.as_view(success_url=reverse_lazy("people:password_reset_done")),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="people/message.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="people/password_reset_confirm.html",
            success_url=reverse_lazy("people:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="people/message.html"),
        name="password_reset_complete",
    ),
]
urlpatterns += [
    path("privacy/", privacy_views.privacy, name="privacy"),
    path("privacy/export.json", privacy_views.export, name="privacy-export"),
    path("privacy/delete/", privacy_views.delete, name="privacy-delete"),
]
