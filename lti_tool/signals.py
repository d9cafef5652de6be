"""Signals other apps listen to; lti_tool itself knows nothing of them."""

from django.dispatch import Signal

# Sent after every verified launch, with kwargs: platform (Platform), course
# (assessments.Course or None), learner (assessments.Learner), launch (LaunchContext).
launch_verified = Signal()
