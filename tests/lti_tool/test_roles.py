"""Role mapping: full URIs, short names, sub-roles, LTI 1.1 names; unknown roles grant nothing."""

import pytest

from lti_tool.roles import map_roles

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
SUB = "http://purl.imsglobal.org/vocab/lis/v2/membership/"
INST = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYS = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([M + "Instructor"], {"instructor"}),
        ([M + "Learner"], {"learner"}),
        (["Learner"], {"learner"}),
        (["Instructor"], {"instructor"}),
        ([M + "Instructor", SUB + "Instructor#TeachingAssistant"], {"teaching_assistant"}),
        ([M + "Instructor", M + "Instructor#TeachingAssistant"], {"teaching_assistant"}),
        (
            [M + "Instructor", SUB + "Instructor#TeachingAssistant", M + "ContentDeveloper"],
            {"instructor", "teaching_assistant"},
        ),
        # Moodle site admin (admin-1.json): administrator and instructor
        (
            [INST + "Administrator", M + "Instructor", SYS + "Administrator"],
            {"administrator", "instructor"},
        ),
        # Canvas: institution roles say who someone is, not what they do in the course
        ([INST + "Instructor", M + "Learner", SYS + "User"], {"learner"}),
        ([INST + "Student", SYS + "User"], set()),
        ([M + "Mentor"], set()),
        (["urn:lti:role:ims/lis/Instructor"], {"instructor"}),
        (["urn:lti:role:ims/lis/TeachingAssistant"], {"teaching_assistant"}),
        (["urn:lti:instrole:ims/lis/Administrator"], {"administrator"}),
        # A course-level administrator manages the course but is no institution QA
        ([M + "Administrator"], {"instructor"}),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Administrator#Administrator"],
            {"instructor"},
        ),
        (["https://evil.example/roles#Instructor", 42, None, ""], set()),
    ],
)
def test_map_roles(roles, expected):
    assert map_roles(roles) == frozenset(expected)
