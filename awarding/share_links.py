"""Where a learner shares a credential (pure): its public page, LinkedIn's add-to-profile
link and an e-mail.

The documents themselves (JSON, JWT, images, QR code) are served by the credentials app at
`/credentials/<uuid>…`, linked from the public page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from credentials.presentation import email_url, linkedin_url


@dataclass(frozen=True)
class ShareLinks:
    public_url: str
    linkedin_url: str
    email_url: str


def share_links(
    *,
    base_url: str,
    credential_id: object,
    achievement_name: str,
    issuer_name: str,
    issued_at: datetime | None,
    valid_until: datetime | None = None,
) -> ShareLinks:
    base = base_url.rstrip("/")
    public = f"{base}/credentials/{credential_id}"
    return ShareLinks(
        public_url=public,
        # One builder for LinkedIn's fields (name, organisation, dates, certUrl, certId), the
        # same the public credential page uses.
        linkedin_url=linkedin_url(
            name=achievement_name,
            issuer_name=issuer_name,
            page_url=public,
            credential_id=str(credential_id),
            view={"valid_from": issued_at, "valid_until": valid_until},
        ),
        email_url=email_url(name=achievement_name, issuer_name=issuer_name, page_url=public),
    )
