"""Builders shared by the tests of awards by review and in bulk: evidence files, a proposal."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from awarding.award_proposals import propose_award
from awarding.review_models import AwardProposal
from tests.pages.world import World


def png_bytes() -> bytes:
    """A real 1x1 PNG (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    buffer.write(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return buffer.getvalue()


def upload(name: str = "certificate.png", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if data is None else data)


def teacher_id(world: World) -> str:
    return f"lti:{world.platform.pk}:{world.instructor.sub}"


def propose(world: World, learner=None, **overrides) -> AwardProposal:
    fields = {
        "course": world.course,
        "learner": learner or world.learners[0],
        "achievement": world.achievement,
        "kind": AwardProposal.Kind.PRIOR_LEARNING,
        "reason": "Holds the national data analyst certificate (2024), which covers both criteria.",
        "evidence_url": "https://certificates.example.org/ada/42",
        "actor": teacher_id(world),
        "actor_name": world.instructor.name,
    }
    fields.update(overrides)
    return propose_award(**fields)
