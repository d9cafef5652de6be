"""Identifiers each LMS hands out, in its own format (Moodle ints, Canvas UUIDs and
40-hex opaque ids), and plausible people's names for seeded users."""

from __future__ import annotations

import hashlib
import secrets
import uuid

GIVEN = [
    "Sam",
    "Sally",
    "Ana",
    "Bruno",
    "Chen",
    "Dara",
    "Elif",
    "Femi",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Marta",
    "Nils",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sofia",
    "Tomas",
    "Uma",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
]
FAMILY = [
    "Student",
    "Second",
    "Almeida",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvat",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Urban",
    "Varga",
]


def person_name(n: int) -> tuple[str, str]:
    return GIVEN[n % len(GIVEN)], FAMILY[(n // len(GIVEN) + n) % len(FAMILY)]


def opaque_hex(seed: str) -> str:
    """Canvas's 40-hex opaque identifiers (context ids, LTI 1.1 user ids)."""
    return hashlib.sha256(seed.encode()).hexdigest()[:40]


def canvas_sub() -> str:
    return str(uuid.uuid4())


def canvas_client_id() -> str:
    # A developer key's global id: shard id * 10^13 + local id.
    return str(10_000_000_000_000 + secrets.randbelow(9_000_000_000_000))


def canvas_deployment_id(tool_id: int) -> str:
    return f"{tool_id}:{secrets.token_hex(20)}"


def moodle_client_id() -> str:
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(15))
