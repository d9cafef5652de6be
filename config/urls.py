"""Top-level URLs. Each app owns its prefixes (listed in the README)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from awarding.views.public import achievement_image
from operations.views import metrics

from .health import healthz
from .landing import landing

urlpatterns = [
    path("", landing, name="landing"),
    path("healthz", healthz, name="healthz"),
    # Operators' figures: bearer token or staff only (operations.views).
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("lti/", include("lti_tool.urls")),
    path("", include("credentials.urls")),
    path("", include("rubrics.urls")),
    path("", include("assessments.urls")),
    path("", include("awarding.urls")),
    path("", include("qa_console.urls")),
    path("", include("wallet_issuance.urls")),
    path("", include("learner_records.urls")),
    path("", include("ob_api.urls")),
    path("", include("pathways.urls")),
    # Uploaded achievement images, where signed credentials point (awarding.credential_inputs).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", achievement_image, name="media_image"),
]
if settings.LMS_SANDBOX:
    urlpatterns.append(path("sandbox/", include("lms_sandbox.urls")))
    # The demo's outside organisation that endorses the demo credential (ADR 0066).
    urlpatterns.append(path("demo-org/", include("demo.endorser_org")))
