"""What awarding tells the apps above it (ADR 0005: they listen; awarding never imports them).

Both are sent after the transaction that made the change has committed, so a receiver sees
the stored award and its credential, and a failing receiver cannot undo the change.
"""

from django.dispatch import Signal

# kwargs: award_id. The award's credential is signed and stored (state issued).
award_issued = Signal()
# kwargs: award_id. The award and its credential are revoked.
award_revoked = Signal()
