"""Pages inside the LMS iframe: the instructor's course dashboard and the learner's home."""

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden


def instructor_dashboard(request: HttpRequest) -> HttpResponse:
    if not request.lti_launch.is_instructor:
        return HttpResponseForbidden("Open Credbridge from your course as an instructor.")
    return HttpResponse("Course dashboard")


def learner_home(request: HttpRequest) -> HttpResponse:
    if not request.lti_launch.present:
        return HttpResponseForbidden("Open Credbridge from your course.")
    return HttpResponse("Your credentials")
