"""Signals of the evidence store.

`learners_changed` is sent after a sync whose results changed, with kwargs `course_id`
(int) and `learner_ids` (list of assessments.Learner pks): one call per course and sync.
The awarding pipeline listens here to re-evaluate exactly those learners.
"""

from django.dispatch import Signal

learners_changed = Signal()
