"""Credentials composed + signed + verified per second, on one core, beside raw Ed25519.

    .venv/bin/python bench/issue.py [--seconds 5]

Prints where the time goes per stage, then the straightforward PyLD signer on the same
credential for comparison, and as the last line one JSON object with credentials_per_s,
ms_per_credential and ratio_vs_raw_sign (our time per credential over raw Ed25519 signing of
the same canonical bytes, measured in this run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from credentials import demo  # noqa: E402
from credentials.canonicalize import canonicalize, reference_canonicalize  # noqa: E402
from credentials.credential_json import compose_credential  # noqa: E402
from credentials.did import PublishedKey, did_document, did_web  # noqa: E402
from credentials.document_checks import check_document  # noqa: E402
from credentials.documents import CredentialInput, IssuerInput, StatusEntryInput  # noqa: E402
from credentials.multikey import public_key_multibase  # noqa: E402
from credentials.proofs import proof_config, sign_document  # noqa: E402
from credentials.schema import schema_problems  # noqa: E402
from credentials.verification_checks import verify  # noqa: E402

BASE = "https://credbridge.example.edu"


def make_input(n: int, issuer: IssuerInput, achievement) -> CredentialInput:
    cid = str(uuid.UUID(int=n + 1, version=4))
    return CredentialInput(
        credential_id=f"urn:uuid:{cid}",
        issuer=issuer,
        achievement=achievement,
        subject=replace(demo.demo_subject(n), salt=f"{n:08x}"),
        valid_from="2026-01-15T10:00:00Z",
        results=tuple(demo.demo_results(achievement)),
        evidence=tuple(demo.demo_evidence(BASE, cid)),
        status=StatusEntryInput(f"{BASE}/status-lists/demo/1", (n * 7919) % 131072),
    )


def straightforward_sign_and_verify(doc: dict, key: Ed25519PrivateKey, vm: str) -> None:
    """The plain PyLD eddsa-rdfc-2022 signer and verifier, for scale (same algorithm)."""
    config = proof_config(
        context=doc["@context"],
        verification_method=vm,
        created="2026-01-15T10:00:00Z",
        purpose="assertionMethod",
    )

    def hash_data() -> bytes:
        return (
            hashlib.sha256(reference_canonicalize(config).encode()).digest()
            + hashlib.sha256(reference_canonicalize(doc).encode()).digest()
        )

    signature = key.sign(hash_data())
    key.public_key().verify(signature, hash_data())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    key = Ed25519PrivateKey.generate()
    did = did_web(BASE, "issuers", "demo")
    vm = f"{did}#key-1"
    did_doc = did_document(did, [PublishedKey("key-1", public_key_multibase(key.public_key()))])
    issuer = IssuerInput(did, "Demo University", "https://www.example.edu")
    achievement = demo.demo_achievement(BASE)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    stages = {k: [] for k in ("compose", "check", "sign", "verify", "schema")}

    def one(n: int) -> None:
        t0 = time.perf_counter()
        doc = compose_credential(make_input(n, issuer, achievement))
        t1 = time.perf_counter()
        canonical = check_document(doc)  # the checked dataset, canonical: signed as is
        t2 = time.perf_counter()
        signed = sign_document(
            doc,
            private_key=key,
            verification_method=vm,
            created="2026-01-15T10:00:00Z",
            canonical_document=canonical,
        )
        t3 = time.perf_counter()
        result = verify(signed, resolve_did={did: did_doc}.get, now=now)
        t4 = time.perf_counter()
        problems = schema_problems(signed)
        t5 = time.perf_counter()
        assert result.ok and not problems, (result.errors, problems)
        for name, dt in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            stages[name].append(dt)

    for n in range(20):  # warm the context memo
        one(n)
    for v in stages.values():
        v.clear()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        one(100 + count)
        count += 1
    elapsed = time.perf_counter() - start

    sample = compose_credential(make_input(1, issuer, achievement))
    canon_bytes = canonicalize(sample).encode()
    raw = []
    for _ in range(2000):
        t = time.perf_counter()
        key.sign(canon_bytes)
        raw.append(time.perf_counter() - t)
    canon_fast = []
    for _ in range(300):
        t = time.perf_counter()
        canonicalize(sample)
        canon_fast.append(time.perf_counter() - t)
    canon_ref = []
    for _ in range(30):
        t = time.perf_counter()
        reference_canonicalize(sample)
        canon_ref.append(time.perf_counter() - t)
    plain = []
    for _ in range(15):
        t = time.perf_counter()
        straightforward_sign_and_verify(sample, key, vm)
        plain.append(time.perf_counter() - t)
    ms = elapsed / count * 1000
    raw_ms = statistics.median(raw) * 1000
    plain_ms = statistics.median(plain) * 1000
    total = sum(sum(v) for v in stages.values())
    print(f"composed + checked + signed + verified + schema-validated: {count} in {elapsed:.2f}s")
    median_ms = sum(statistics.median(v) for v in stages.values()) * 1000
    print(f"  {count / elapsed:.1f} credentials/s, {ms:.3f} ms per credential, one core")
    print(
        f"  from the stage medians (less sensitive to a busy machine): {median_ms:.3f} ms,"
        f" {1000 / median_ms:.1f} credentials/s"
    )
    print("  where the time goes (median ms per credential, share of the pipeline):")
    for name, values in stages.items():
        median = statistics.median(values) * 1000
        print(f"    {name:8s} {median:7.3f} ms  {sum(values) / total:6.1%}")
    print(f"  raw Ed25519 sign of the same canonical bytes: {raw_ms:.4f} ms")
    print(
        f"  canonicalize one credential: fast path {statistics.median(canon_fast) * 1000:.3f} ms,"
        f" PyLD normalize {statistics.median(canon_ref) * 1000:.3f} ms"
    )
    print(f"  straightforward PyLD sign + verify alone: {plain_ms:.3f} ms per credential")
    print(
        json.dumps(
            {
                "credentials_per_s": round(count / elapsed, 1),
                "ms_per_credential": round(ms, 3),
                "ratio_vs_raw_sign": round(ms / raw_ms, 1),
                "median_credentials_per_s": round(1000 / median_ms, 1),
                "raw_sign_ms": round(raw_ms, 4),
                "pyld_sign_verify_ms": round(plain_ms, 3),
                "stages_ms": {k: round(statistics.median(v) * 1000, 3) for k, v in stages.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
