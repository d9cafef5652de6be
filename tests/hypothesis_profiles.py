"""How many examples the property tests draw, by profile (ADR 0069).

Each property test names its example count for `make test` (the "default" profile): enough to
exercise every branch of its strategy on each run, at a few seconds of CPU. Hypothesis draws
new examples on every run and replays the ones that ever failed (its example database,
`.hypothesis/`), so repeated runs keep searching. HYPOTHESIS_PROFILE=ci (what `.ci/run` uses)
draws four times as many, the counts these tests had before `make test` had to fit in
150 s; HYPOTHESIS_PROFILE=deep (`make test-deep`) twenty times as many, for a change to the
canonicalizer, the schema check or the rubric evaluation.
"""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis.errors import InvalidArgument

SCALE = {"default": 1, "ci": 4, "deep": 20}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")

for _name, _scale in SCALE.items():
    # Hypothesis's own "default" and "ci" profiles stay the parents (its "ci": the same
    # examples on every run, no example database); no deadline in any: a slow example on a
    # loaded machine is not a failure of the property.
    try:
        _parent = settings.get_profile(_name)
    except InvalidArgument:  # not one of Hypothesis's own
        _parent = settings.get_profile("default")
    settings.register_profile(_name, _parent, deadline=None, max_examples=100 * _scale)
settings.load_profile(PROFILE)


def examples(default: int) -> int:
    """The example count for a test that draws `default` examples under `make test`."""
    return default * SCALE[PROFILE]
