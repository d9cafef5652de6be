from django.urls import path

from . import views

app_name = "awarding"
urlpatterns = [
    path("course/", views.instructor_dashboard, name="instructor_dashboard"),
    path("learner/", views.learner_home, name="learner_home"),
]
