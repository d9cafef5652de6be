"""What awarding tells the apps above it (ADR 0005: they listen; awarding never imports them).

Both are sent after the transaction that made the change has committed, so a receiver sees
the stored award and its credential, and a failing receiver cannot undo the change.
"""

from django.dispatch import Signal

# kwargs: award_ids. These awards' credentials are signed and stored (state issued): sent once
# per committed batch, so a listener costs one call (and at most one task) per batch, not one
# per credential (ADR 0074).
awards_issued = Signal()
# kwargs: award_id. The award and its credential are revoked.
award_revoked = Signal()
