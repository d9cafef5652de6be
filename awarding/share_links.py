"""Where a learner shares a credential: its public page and LinkedIn's add-to-profile link (pure).

The documents themselves (JSON, JWT, images, QR code) are served by the credentials app at
`/credentials/<uuid>…`, linked from the public page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


@dataclass(frozen=True)
class ShareLinks:
    public_url: str
    linkedin_url: str


def share_links(
    *,
    base_url: str,
    credential_id: object,
    achievement_name: str,
    issuer_name: str,
    issued_at: datetime | None,
) -> ShareLinks:
    base = base_url.rstrip("/")
    public = f"{base}/credentials/{credential_id}"
    linkedin = {
        "startTask": "CERTIFICATION_NAME",
        "name": achievement_name,
        "organizationName": issuer_name,
        "certUrl": public,
        "certId": str(credential_id),
    }
    if issued_at is not None:
        linkedin["issueYear"] = str(issued_at.year)
        linkedin["issueMonth"] = str(issued_at.month)
    return ShareLinks(
        public_url=public,
        linkedin_url=f"{LINKEDIN_ADD}?{urlencode(linkedin)}",
    )
