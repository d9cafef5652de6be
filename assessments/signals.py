"""Signals of the evidence store.

`learners_changed` is sent after a sync whose results changed, with kwargs `course_id`
(int) and `learner_ids` (list of assessments.Learner pks, in order): a large sync sends
several calls, a batch of learners each (no learner twice in one sync), so no list of every
changed learner is ever held. The awarding pipeline listens here to re-evaluate exactly
those learners.
"""

from django.dispatch import Signal

learners_changed = Signal()
