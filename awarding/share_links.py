"""Where a credential can be fetched and shared from (pure: ids and names in, URLs out).

The documents themselves are served by the credentials app at `/credentials/<uuid>…`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


@dataclass(frozen=True)
class ShareLinks:
    public_url: str
    json_url: str
    jwt_url: str
    png_url: str
    svg_url: str
    qr_url: str
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
        json_url=f"{public}.json",
        jwt_url=f"{public}.jwt",
        png_url=f"{public}.png",
        svg_url=f"{public}.svg",
        qr_url=f"{public}/qr.png",
        linkedin_url=f"{LINKEDIN_ADD}?{urlencode(linkedin)}",
    )
