"""An achievement's uploaded image answers at the URL its signed credentials carry; nothing
else under (or outside) MEDIA_ROOT does. Through the whole URLconf and middleware with
Django's client: pytest-django's live server answers /media/ itself (LiveServerThread's
_MediaFilesHandler) before any view, so it cannot test this URL."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from awarding import credential_inputs
from rubrics.spec import VersionSpec

from .factories import make_achievement, make_course

pytestmark = pytest.mark.django_db
BASE = "https://credbridge.example.edu"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def uploaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "secret.txt").write_text("outside MEDIA_ROOT")
    achievement = make_achievement(course=make_course())
    achievement.image = SimpleUploadedFile("badge.png", _png(), content_type="image/png")
    achievement.save()
    return achievement


def test_the_image_url_in_a_composed_credential_answers_with_the_image(uploaded):
    spec = VersionSpec(title="R", criteria=())
    built = credential_inputs.build_achievement(base_url=BASE, achievement=uploaded, spec=spec)
    assert built.image_url.startswith(f"{BASE}/media/achievements/")

    response = Client().get(urlsplit(built.image_url).path)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _png()
    assert response.headers["Content-Type"] == "image/png"
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/media/achievements/..%2f..%2fsecret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/achievements/%2e%2e%2f%2e%2e%2f%2e%2e%2fconfig%2fsettings.py",
        "/media/achievements/not-uploaded.png",
    ],
)
def test_traversal_and_unreferenced_files_answer_404(uploaded, path):
    # A file in MEDIA_ROOT that no achievement references is not served either.
    stored = urlsplit(uploaded.image.url).path
    with open(uploaded.image.storage.path("achievements/not-uploaded.png"), "wb") as f:
        f.write(_png())
    served = Client().get(stored)
    assert served.status_code == 200
    # Read to the end: the test client then closes the file without sending request_finished
    # to close_old_connections (response.close() would, and close the test's connection).
    assert b"".join(served.streaming_content) == _png()

    response = Client().get(path)

    assert response.status_code == 404
    assert b"outside MEDIA_ROOT" not in response.content
