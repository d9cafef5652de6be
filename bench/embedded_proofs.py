"""Time to sign documents that embed signed credentials (named graphs in RDF).

    .venv/bin/python bench/embedded_proofs.py [--repeat 7] [--repo DIR]

Two shapes, each composed once and then signed `--repeat` times (median CPU ms of this
process; the remembered canonical forms are forgotten before each run, so every run
canonicalizes afresh): a credential whose achievement embeds one signed endorsement
(sign + verify, as issuing does), and a learner record (ClrCredential) embedding 10 signed
credentials (sign + verify of the record). `--repo` runs the same measurement against another
checkout of the code (e.g. the commit before a change), for before/after figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--repeat", type=int, default=7)
parser.add_argument("--repo", default=str(Path(__file__).resolve().parent.parent))
args = parser.parse_args()
sys.path.insert(0, args.repo)

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from credentials import canonicalize as canonical_memory  # noqa: E402
from credentials.clr_json import compose_clr  # noqa: E402
from credentials.credential_json import compose_credential  # noqa: E402
from credentials.documents import ClrInput, SubjectInput  # noqa: E402
from credentials.endorsement_json import EndorsementInput, compose_endorsement  # noqa: E402
from credentials.proofs import sign_document, verify_document  # noqa: E402
from credentials.signing import sign_credential  # noqa: E402
from tests.credentials.samples import sample_input  # noqa: E402

KEY = Ed25519PrivateKey.generate()
METHOD = "did:web:credbridge.example.edu:issuers:uni#key-1"
CREATED = "2026-01-15T10:00:00Z"


def signed(document: dict) -> dict:
    return sign_document(document, private_key=KEY, verification_method=METHOD, created=CREATED)


def endorsed_credential() -> dict:
    data = sample_input()
    endorsement = signed(
        compose_endorsement(
            EndorsementInput(
                f"urn:uuid:{uuid.UUID(int=7, version=4)}",
                data.issuer,
                data.achievement.id,
                "Endorsement by the faculty",
                "Well-designed assessment.",
                CREATED,
            )
        )
    )
    achievement = replace(data.achievement, endorsements=(json.dumps(endorsement),))
    return compose_credential(replace(data, achievement=achievement))


def learner_record(n: int) -> dict:
    credentials = []
    for i in range(n):
        doc = compose_credential(sample_input(str(uuid.UUID(int=100 + i, version=4))))
        achievement = doc["credentialSubject"]["achievement"]
        achievement["id"] = f"{achievement['id']}-{i}"
        credentials.append(signed(doc))
    data = sample_input()
    return compose_clr(
        ClrInput(
            record_id=f"urn:uuid:{uuid.UUID(int=999, version=4)}",
            issuer=data.issuer,
            subject=SubjectInput("emailAddress", "ada@example.edu", salt="feed", name="Ada"),
            name="Learner record of Ada",
            description="",
            valid_from=CREATED,
            credentials=tuple(credentials),
            stacks=(),
        )
    )


def sign_and_verify_ms(document: dict) -> float:
    times = []
    for _ in range(args.repeat):
        canonical_memory._REMEMBERED.clear()
        start = time.process_time()
        out = sign_credential(
            document,
            private_key=KEY,
            verification_method=METHOD,
            created=datetime(2026, 1, 15, 10, 0, tzinfo=UTC),
        )
        verify_document(out, public_key=KEY.public_key())
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


endorsed = endorsed_credential()
record = learner_record(10)
sign_and_verify_ms(endorsed)  # warm: contexts processed once per process
print(
    json.dumps(
        {
            "endorsed_credential_ms": round(sign_and_verify_ms(endorsed), 1),
            "record_of_10_ms": round(sign_and_verify_ms(record), 1),
        }
    )
)
