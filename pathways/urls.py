"""Pathway pages, inside the QA console's /qa/ prefix (namespace `pathways`)."""

from django.urls import path

from . import views

app_name = "pathways"
urlpatterns = [
    path("qa/pathways/", views.pathway_list, name="list"),
    path("qa/pathways/<uuid:pathway_uuid>/", views.pathway_detail, name="detail"),
]
