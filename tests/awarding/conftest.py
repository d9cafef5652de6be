from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fault_injection import connect_before_credential_stored


@pytest.fixture
def fail_before_credential_stored(tmp_path: Path) -> Iterator[Path]:
    """The next credential about to be stored raises InjectedFault instead (once). Yields the
    marker file, which is gone once the fault has fired."""
    marker = tmp_path / "fail-once"
    marker.touch()
    disconnect = connect_before_credential_stored(action="raise", marker=marker)
    try:
        yield marker
    finally:
        disconnect()
