"""What goes into a learner's record: every credential the learner holds from the
institution that is valid now, oldest first, and how they stack.

Left out: credentials revoked or suspended, awards not (or no longer) issued, and credentials
of another issuer (an institution that changed its issuer keeps those apart). A stacked
(pathway) credential stacks the components its award names (`Award.components`) that are in
the record too.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import Learner
from awarding.award_issuance import issuer_for
from awarding.models import Award
from credentials.documents import StackInput
from credentials.models import Credential, Issuer

IN_RECORD = (Award.State.ISSUED, Award.State.FLAGGED)  # flagged: valid while QA decides


@dataclass(frozen=True)
class Contents:
    issuer: Issuer
    credentials: tuple[Credential, ...]
    stacks: tuple[StackInput, ...]

    @property
    def ids(self) -> list[str]:
        return [str(c.pk) for c in self.credentials]


def credential_ref(credential_id: object) -> str:
    return f"urn:uuid:{credential_id}"


def record_contents(*, learner: Learner) -> Contents:
    issuer = issuer_for(platform=learner.platform)
    awards = list(
        Award.objects.filter(
            learner=learner,
            state__in=IN_RECORD,
            credential__status=Credential.Status.ACTIVE,
            credential__issuer=issuer,
        )
        .select_related("credential")
        .prefetch_related("components")
        .order_by("credential__issued_at", "pk")
    )
    included = {award.pk for award in awards}
    stacks = []
    for award in awards:
        components = [c for c in award.components.all() if c.pk in included]
        if components:
            stacks.append(
                StackInput(
                    credential_ref(award.credential_id),
                    tuple(credential_ref(c.credential_id) for c in components),
                )
            )
    return Contents(
        issuer=issuer,
        credentials=tuple(award.credential for award in awards if award.credential),
        stacks=tuple(stacks),
    )
