"""The sandbox LMS's own pages: platforms, courses (pick a user and launch), gradebook,
course conclusion, fault switches and Dynamic Registration. Development only (LMS_SANDBOX)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .faults import clear_faults, set_fault
from .forms import ConcludeForm, FaultForm, RegistrationStartForm
from .gradebook import GradeRefused, conclude_course, enter_grade, grade_table
from .models import SandboxCourse, SandboxPlatform
from .registration import start_registration
from .views_launch import platform_or_404


def index(request: HttpRequest) -> HttpResponse:
    platforms = SandboxPlatform.objects.prefetch_related("courses").order_by("slug")
    return render(request, "lms_sandbox/index.html", {"platforms": platforms})


def platform_page(request: HttpRequest, slug: str) -> HttpResponse:
    platform = platform_or_404(slug)
    return render(
        request,
        "lms_sandbox/platform.html",
        {
            "platform": platform,
            "courses": platform.courses.order_by("pk"),
            "faults": platform.faults.order_by("-created_at")[:50],
            "usage_choices": SandboxPlatform.CourseVisible.choices,
            "fault_form": FaultForm(),
        },
    )


def _course(slug: str, course_id: int) -> SandboxCourse:
    platform = platform_or_404(slug)
    course = get_object_or_404(SandboxCourse, platform=platform, pk=course_id)
    course.platform = platform
    return course


def course_page(request: HttpRequest, slug: str, course_id: int) -> HttpResponse:
    course = _course(slug, course_id)
    enrolments = course.enrolments.select_related("user").order_by("role", "user__family_name")
    return render(
        request,
        "lms_sandbox/course.html",
        {
            "course": course,
            "platform": course.platform,
            "enrolments": enrolments,
            "admins": course.platform.users.filter(is_site_admin=True),
            "links": course.resource_links.order_by("pk"),
            "conclude_form": ConcludeForm(
                initial={"concluded": not course.concluded, "status": course.concluded_status}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def gradebook(request: HttpRequest, slug: str, course_id: int) -> HttpResponse:
    course = _course(slug, course_id)
    columns, rows = grade_table(course)
    if request.method == "POST":
        saved, errors = 0, []
        by_id = {li.pk: li for li in columns}
        learners = {row["user"].pk: row["user"] for row in rows}
        for key, raw in request.POST.dict().items():
            if not key.startswith("score-"):
                continue
            try:
                _, li_id, user_id = key.split("-")
                li, user = by_id[int(li_id)], learners[int(user_id)]
            except (ValueError, KeyError):
                errors.append("Unknown grade cell.")
                continue
            raw = raw.strip()
            current = next(r for cell_li, r in _cells(rows, user.pk) if cell_li.pk == li.pk)
            feedback = request.POST.get(f"feedback-{li.pk}-{user.pk}", "").strip()
            unchanged = (current is None and raw == "") or (
                current is not None
                and raw == _fmt(current.score_given)
                and feedback == current.feedback
            )
            if unchanged:
                continue
            try:
                score = float(raw.replace(",", ".")) if raw else None
            except ValueError:
                errors.append(f"{user.name}, {li.label}: enter a number")
                continue
            try:
                enter_grade(line_item=li, user=user, score=score, feedback=feedback)
                saved += 1
            except GradeRefused as exc:
                errors.append(f"{user.name}, {li.label}: {exc}")
        for e in errors:
            messages.error(request, e)
        messages.success(request, f"{saved} grade(s) saved.")
        return redirect("lms_sandbox:gradebook", slug=slug, course_id=course_id)
    return render(
        request,
        "lms_sandbox/gradebook.html",
        {"course": course, "platform": course.platform, "columns": columns, "rows": rows},
    )


def _cells(rows, user_id):
    return next(row["cells"] for row in rows if row["user"].pk == user_id)


def _fmt(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


@require_POST
def conclude(request: HttpRequest, slug: str, course_id: int) -> HttpResponse:
    course = _course(slug, course_id)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        conclude_course(
            course=course,
            concluded=form.cleaned_data["concluded"],
            status=form.cleaned_data["status"],
        )
        messages.success(request, "Course concluded." if course.concluded else "Course reopened.")
    return redirect("lms_sandbox:course", slug=slug, course_id=course_id)


def post_message_forwarding(request: HttpRequest, slug: str) -> HttpResponse:
    """Canvas's LTI Platform Storage frame, named `post_message_forwarding` in the course page
    (doc/api/lti_window_post_message.md): it answers lti.put_data / lti.get_data, keeping
    each tool origin's values apart. Moodle 4.5 has none."""
    platform = platform_or_404(slug)
    if platform.flavour != SandboxPlatform.Flavour.CANVAS:
        raise Http404
    return render(request, "lms_sandbox/post_message_forwarding.html")


@require_POST
def tool_usage(request: HttpRequest, slug: str) -> HttpResponse:
    """Site admin → Plugins → External tool → Manage tools → edit: "Tool configuration usage"
    (mod/lti/edit_form.php lti_coursevisible)."""
    platform = platform_or_404(slug)
    try:
        value = SandboxPlatform.CourseVisible(int(request.POST.get("coursevisible", "")))
    except ValueError:
        messages.error(request, "Choose one of the Tool configuration usage options.")
        return redirect("lms_sandbox:platform", slug=slug)
    platform.coursevisible = value
    platform.save(update_fields=["coursevisible"])
    messages.success(request, f"Tool configuration usage: {value.label}.")
    return redirect("lms_sandbox:platform", slug=slug)


@require_POST
def faults(request: HttpRequest, slug: str) -> HttpResponse:
    platform = platform_or_404(slug)
    if request.POST.get("clear"):
        clear_faults(platform=platform)
        messages.success(request, "Fault switches cleared.")
        return redirect("lms_sandbox:platform", slug=slug)
    form = FaultForm(request.POST)
    if form.is_valid():
        set_fault(platform=platform, **form.cleaned_data)
        messages.success(request, "Fault switch armed.")
    else:
        messages.error(request, "Invalid fault switch: " + form.errors.as_text())
    return redirect("lms_sandbox:platform", slug=slug)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """The LMS admin pastes the tool's registration URL; the tool opens in an iframe."""
    platform = platform_or_404(slug)
    form = RegistrationStartForm(request.POST or None)
    start_url = ""
    if request.method == "POST" and form.is_valid():
        start_url = start_registration(
            platform=platform, registration_url=form.cleaned_data["registration_url"]
        )
    return render(
        request,
        "lms_sandbox/register.html",
        {"platform": platform, "form": form, "start_url": start_url},
    )
