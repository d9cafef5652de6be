"""The evidence a decision used, as JSON to keep with it (exactly what was evaluated)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rubrics.spec import Observation


def observation_dict(obs: Observation) -> dict[str, Any]:
    return {
        "score": obs.score,
        "maximum": obs.maximum,
        "timestamp": obs.timestamp.isoformat() if obs.timestamp else None,
        "result_id": obs.result_id,
        "revision": obs.revision,
        "comment": obs.comment,
    }


def evidence_snapshot(evidence: Mapping[str, Sequence[Observation]]) -> dict[str, list[dict]]:
    return {key: [observation_dict(o) for o in obs] for key, obs in sorted(evidence.items())}
