"""The `evidence_storage` fixture: a test's evidence files of award proposals in its own
folder, never in the checkout's var/evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage


@pytest.fixture
def evidence_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The field holds its storage from the moment models load (a callable storage is called
    once), so the test swaps the field's storage rather than the STORAGES setting."""
    from awarding.review_models import AwardProposal  # noqa: PLC0415 - models load after conftest

    location = tmp_path / "evidence"
    field = AwardProposal._meta.get_field("evidence_file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=str(location)))
    return location
