"""Where a credential's badge pixels come from: its own achievement.image, read from the data
URI it carries or from this tool's media storage, never from anywhere else."""

from __future__ import annotations

import base64

import pytest

from credentials.badge_source import BadgeImage, badge_image


def _doc(image: object) -> dict:
    return {"credentialSubject": {"achievement": {"image": image}}}


def test_a_data_uri_is_the_image():
    uri = "data:image/png;base64," + base64.b64encode(b"\x89PNG...").decode()
    assert badge_image(_doc({"id": uri, "type": "Image"})) == BadgeImage("image/png", b"\x89PNG...")
    assert badge_image(_doc(uri)) == BadgeImage("image/png", b"\x89PNG...")


@pytest.mark.parametrize(
    "image",
    [None, "", "data:image/png;base64,@@@", "data:text/html;base64,PGI+", {"type": "Image"}],
)
def test_no_usable_image(image):
    assert badge_image(_doc(image)) is None
    assert badge_image({}) is None


def test_an_uploaded_image_is_read_from_media_storage_only(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "achievements").mkdir(parents=True)
    (tmp_path / "media" / "achievements" / "b.png").write_bytes(b"\x89PNG-bytes")
    (tmp_path / "secret.png").write_bytes(b"outside")
    base = settings.PUBLIC_BASE_URL.rstrip("/") + settings.MEDIA_URL
    assert badge_image(_doc(f"{base}achievements/b.png")) == BadgeImage(
        "image/png", b"\x89PNG-bytes"
    )
    assert badge_image(_doc(f"{base}../secret.png")) is None
    assert badge_image(_doc(f"{base}achievements/missing.png")) is None
    assert badge_image(_doc("https://elsewhere.example/media/achievements/b.png")) is None
