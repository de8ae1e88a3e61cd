from django.urls import path

import urbis.strategy.views as views

app_name = "strategy"

S = "cities/<slug:code>/strategy/<slug:slug>/"

urlpatterns = [
    path("indicators/", views.catalogue, name="catalogue"),
    path("compare/indicators/<slug:indicator>/", views.compare, name="compare"),
    path("network/", views.network, name="network"),
    path("cities/<slug:code>/strategy/", views.strategy_index, name="index"),
    path("cities/<slug:code>/strategy/new/", views.strategy_edit, name="strategy-new"),
    path("cities/<slug:code>/indicators/", views.city_indicators, name="city-indicators"),
    path(S, views.strategy_detail, name="strategy"),
    path(S + "edit/", views.strategy_edit, name="strategy-edit"),
    path(S + "history/", views.strategy_history, name="strategy-history"),
    path(S + "themes/", views.theme_add, name="theme-add"),
    path(S + "actions/", views.action_list, name="actions"),
    path(S + "actions/new/", views.action_edit, name="action-new"),
    path(S + "actions/<int:pk>/", views.action_detail, name="action"),
    path(S + "actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path(S + "actions/<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path(
        S + "actions/<int:pk>/milestones/<int:milestone>/done/",
        views.milestone_done,
        name="milestone-done",
    ),
    path(S + "targets/new/", views.target_edit, name="target-new"),
    path(S + "targets/<int:pk>/", views.target_detail, name="target"),
    path(S + "targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path(S + "reports/", views.report_list, name="reports"),
    path(S + "reports/<int:pk>/", views.report_detail, name="report"),
    path(S + "reports/<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path(S + "reports/<int:pk>/report.csv", views.report_csv, name="report-csv"),
    path(S + "reports/<int:pk>/report.json", views.report_json, name="report-json"),
]
