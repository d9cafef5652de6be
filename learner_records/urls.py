"""A learner's record: the learner's own pages inside the LMS (launch token) and the share
link anyone may open while the learner shares it."""

from django.urls import path

from . import views

app_name = "learner_records"
urlpatterns = [
    path("learner/record/", views.record_page, name="record"),
    path("learner/record/create", views.create, name="create"),
    path("learner/record/sharing", views.sharing, name="sharing"),
    path("learner/record/download/<str:fmt>", views.download, name="download"),
    path("records/<str:token>", views.shared, name="shared"),
    path("records/<str:token>/download/<str:fmt>", views.shared_download, name="shared_download"),
]
