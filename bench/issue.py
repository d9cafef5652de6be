"""Credentials composed + signed + verified per second, on one core, beside raw Ed25519.

    .venv/bin/python bench/issue.py [--seconds 5]

Prints where the time goes per stage, the split of one credential (compose / canonicalize /
hash / sign / verify) beside the physical limit (SHA-256 + Ed25519 sign + verify alone), then
the straightforward PyLD signer on the same credential, and as the last line one JSON object:
credentials_per_s, ms_per_credential, speedup_vs_pyld (PyLD sign + verify over our whole
pipeline, schema validation included, same run), pyld_sign_verify_ms, physical_limit_ms and
the split in *_ms keys. Wall time gives the rate; every other figure is CPU time of this
process (time.process_time), because on a shared, loaded machine the wall time of a stage
mostly measures how long other processes held the core. ms_per_credential stays wall time.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from awarding.badge_image import draw_badge  # noqa: E402
from credentials import demo  # noqa: E402
from credentials.canonicalize import canonicalize, reference_canonicalize  # noqa: E402
from credentials.credential_json import compose_credential  # noqa: E402
from credentials.did import PublishedKey, did_document, did_web  # noqa: E402
from credentials.document_checks import check_document  # noqa: E402
from credentials.documents import IssuerInput  # noqa: E402
from credentials.fast_canon import fast_canonicalize  # noqa: E402
from credentials.multikey import public_key_multibase  # noqa: E402
from credentials.proofs import proof_config, sign_document  # noqa: E402
from credentials.schema import schema_problems  # noqa: E402
from credentials.verification_checks import verify  # noqa: E402

BASE = "https://credbridge.example.edu"


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
    # As awarded: an achievement without an uploaded image carries its generated PNG badge
    # as a data URI (~9 kB), in every credential.
    # (Drawn here: this bench runs without Django's settings, so without the shared cache.)
    badge = base64.b64encode(draw_badge(name=achievement.name, seed=achievement.id)).decode()
    achievement = replace(achievement, image_url="data:image/png;base64," + badge)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    stages = {k: [] for k in ("compose", "check", "sign", "verify", "schema")}

    def one(n: int) -> None:
        t0 = time.process_time()
        doc = compose_credential(
            demo.demo_credential_input(n, base_url=BASE, issuer=issuer, achievement=achievement)
        )
        t1 = time.process_time()
        canonical = check_document(doc)  # the checked dataset, canonical: signed as is
        t2 = time.process_time()
        signed = sign_document(
            doc,
            private_key=key,
            verification_method=vm,
            created="2026-01-15T10:00:00Z",
            canonical_document=canonical,
        )
        t3 = time.process_time()
        result = verify(signed, resolve_did={did: did_doc}.get, now=now)
        t4 = time.process_time()
        problems = schema_problems(signed)
        t5 = time.process_time()
        assert result.ok and not problems, (result.errors, problems)
        for name, dt in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            stages[name].append(dt)

    for n in range(20):  # warm the context memo
        one(n)
    for v in stages.values():
        v.clear()
    count, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        one(100 + count)
        count += 1
    elapsed = time.perf_counter() - start
    cpu_ms = (time.process_time() - cpu_start) / count * 1000

    sample = compose_credential(
        demo.demo_credential_input(1, base_url=BASE, issuer=issuer, achievement=achievement)
    )
    canon_bytes = canonicalize(sample).encode()
    hash_data = hashlib.sha256(canon_bytes).digest() * 2  # 64 bytes, as eddsa-rdfc-2022 signs
    signature = key.sign(hash_data)
    public = key.public_key()

    def timed(fn, n: int) -> float:
        """Median ms of n calls of fn."""
        times = []
        for _ in range(n):
            t = time.process_time()
            fn()
            times.append(time.process_time() - t)
        return statistics.median(times) * 1000

    hash_ms = timed(lambda: hashlib.sha256(canon_bytes).digest(), 2000)
    raw_ms = timed(lambda: key.sign(canon_bytes), 2000)
    sign_ms = timed(lambda: key.sign(hash_data), 2000)
    verify_raw_ms = timed(lambda: public.verify(signature, hash_data), 2000)
    # fast_canonicalize: canonicalize() would answer from what it remembers of this document.
    canon_fast_ms = timed(lambda: fast_canonicalize(sample), 300)
    canon_ref_ms = timed(lambda: reference_canonicalize(sample), 30)
    plain_ms = timed(lambda: straightforward_sign_and_verify(sample, key, vm), 15)
    # What no implementation of eddsa-rdfc-2022 can beat: hash the canonical bytes, sign, verify.
    physical_ms = hash_ms + sign_ms + verify_raw_ms
    ms = elapsed / count * 1000
    total = sum(sum(v) for v in stages.values())
    medians = {k: statistics.median(v) * 1000 for k, v in stages.items()}
    print(f"composed + checked + signed + verified + schema-validated: {count} in {elapsed:.2f}s")
    median_ms = sum(medians.values())
    print(f"  {count / elapsed:.1f} credentials/s, {ms:.3f} ms per credential, one core")
    print(
        f"  from the stage medians (less sensitive to a busy machine): {median_ms:.3f} ms,"
        f" {1000 / median_ms:.1f} credentials/s"
    )
    print("  where the time goes (median ms per credential, share of the pipeline):")
    for name, values in stages.items():
        print(f"    {name:8s} {medians[name]:7.3f} ms  {sum(values) / total:6.1%}")
    print("  the split of one credential (median ms):")
    print(f"    compose               {medians['compose']:8.3f}")
    print(f"    canonicalize          {canon_fast_ms:8.3f}   (PyLD normalize {canon_ref_ms:.3f})")
    print(f"    hash (SHA-256)        {hash_ms:8.4f}")
    print(f"    sign (Ed25519)        {sign_ms:8.4f}")
    verify_line = f"{medians['verify']:8.3f}   (Ed25519 alone {verify_raw_ms:.4f})"
    print(f"    verify (whole check)  {verify_line}")
    print(f"  physical limit (SHA-256 + Ed25519 sign + verify alone): {physical_ms:.4f} ms")
    print(f"  raw Ed25519 sign of the same canonical bytes: {raw_ms:.4f} ms")
    print(f"  straightforward PyLD sign + verify alone: {plain_ms:.3f} ms per credential")
    print(f"  CPU time per credential (what the ratios use): {cpu_ms:.3f} ms")
    print(f"  speedup over PyLD (whole pipeline, schema included): {plain_ms / cpu_ms:.1f}x")
    print(
        json.dumps(
            {
                "credentials_per_s": round(count / elapsed, 1),
                "ms_per_credential": round(ms, 3),
                "cpu_ms_per_credential": round(cpu_ms, 3),
                "speedup_vs_pyld": round(plain_ms / cpu_ms, 2),
                "ratio_vs_raw_sign": round(ms / raw_ms, 1),
                "median_credentials_per_s": round(1000 / median_ms, 1),
                "raw_sign_ms": round(raw_ms, 4),
                "pyld_sign_verify_ms": round(plain_ms, 3),
                "physical_limit_ms": round(physical_ms, 4),
                "compose_ms": round(medians["compose"], 3),
                "canonicalize_ms": round(canon_fast_ms, 3),
                "pyld_canonicalize_ms": round(canon_ref_ms, 3),
                "hash_ms": round(hash_ms, 4),
                "sign_ms": round(sign_ms, 4),
                "verify_ms": round(medians["verify"], 3),
                "stages_ms": {k: round(v, 3) for k, v in medians.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
