"""Signals of the rubrics app."""

from django.dispatch import Signal

# Sent (after the transaction commits) with kwarg `version`: a RubricVersion just activated.
version_activated = Signal()
