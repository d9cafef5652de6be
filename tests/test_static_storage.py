"""The static files' storage (config/static_storage.py) answers every name as WhiteNoise's
manifest storage does, working each out once: a missing name still fails each time, DEBUG
still names the plain file, another STATIC_URL is followed."""

from __future__ import annotations

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from config.static_storage import StaticFilesStorage

MANIFEST = {
    "paths": {"credbridge.css": "credbridge.0123abcd.css", "a b/c.js": "a b/c.4567.js"},
    "version": "1.1",
    "hash": "h",
}
NAMES = ["credbridge.css", "a b/c.js", "credbridge.css#top", "credbridge.css?#iefix", "dir/"]


@pytest.fixture
def root(tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return tmp_path


@pytest.mark.parametrize("debug", [False, True])
def test_each_url_is_the_manifest_storages(root, settings, debug):
    settings.DEBUG = debug
    ours = StaticFilesStorage(location=str(root), base_url="/static/")
    theirs = CompressedManifestStaticFilesStorage(location=str(root), base_url="/static/")
    for name in NAMES:
        assert ours.url(name) == theirs.url(name)
        assert ours.url(name) == theirs.url(name)  # the kept answer
        assert ours.url(name, force=True) == theirs.url(name, force=True)


def test_a_name_is_worked_out_once(root, monkeypatch):
    storage = StaticFilesStorage(location=str(root), base_url="/static/")
    looked_up = []
    original = storage.stored_name
    monkeypatch.setattr(
        storage, "stored_name", lambda name: looked_up.append(name) or original(name)
    )
    assert storage.url("credbridge.css") == "/static/credbridge.0123abcd.css"
    assert storage.url("credbridge.css") == "/static/credbridge.0123abcd.css"
    assert looked_up == ["credbridge.css"]


def test_a_missing_name_fails_every_time(root):
    storage = StaticFilesStorage(location=str(root), base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("missing.css")


def test_debug_turned_on_names_the_plain_file(root, settings):
    storage = StaticFilesStorage(location=str(root), base_url="/static/")
    settings.DEBUG = False
    assert storage.url("credbridge.css") == "/static/credbridge.0123abcd.css"
    settings.DEBUG = True
    assert storage.url("credbridge.css") == "/static/credbridge.css"


def test_the_kept_urls_are_bounded(root, monkeypatch):
    from config import static_storage

    monkeypatch.setattr(static_storage, "_MAX_NAMES", 2)
    storage = StaticFilesStorage(location=str(root), base_url="/static/")
    for name in NAMES[:4]:
        storage.url(name)
    assert len(storage._urls) <= 2
