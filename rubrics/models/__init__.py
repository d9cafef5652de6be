"""Models of the rubrics app: frameworks, versioned rubrics and their criteria, QA scopes."""

from .frameworks import Competence, Framework, ProficiencyLevel
from .qa import QA_GROUP, QAScope
from .rubric import (
    Criterion,
    CriterionAlignment,
    CriterionLevel,
    ImmutableVersionError,
    Rubric,
    RubricVersion,
)

__all__ = [
    "QA_GROUP",
    "Competence",
    "Criterion",
    "CriterionAlignment",
    "CriterionLevel",
    "Framework",
    "ImmutableVersionError",
    "ProficiencyLevel",
    "QAScope",
    "Rubric",
    "RubricVersion",
]
