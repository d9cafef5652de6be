from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("courses/<int:course_id>/sync", views.sync_now, name="sync_now"),
    path("courses/<int:course_id>/sync-status", views.sync_status, name="sync_status"),
]
