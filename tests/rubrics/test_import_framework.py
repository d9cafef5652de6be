import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from rubrics.models import Competence, Framework, ProficiencyLevel

SIMPLE = """kind,code,title,url,description,parent_code
area,A,Data skills,https://fw.example.org/A,,
competence,A.1,Cleaning data,https://fw.example.org/A.1,Remove <errors>,A
competence,A.2,Charting,https://fw.example.org/A.2,,A
level,L1,Novice,https://fw.example.org/levels/1,,
"""


def _run(tmp_path, content, fmt="csv", name="f.csv"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    call_command(
        "import_framework",
        str(path),
        "--format",
        fmt,
        "--slug",
        "fw",
        "--name",
        "Example",
        "--framework-version",
        "1",
        "--url",
        "https://fw.example.org/",
    )


@pytest.mark.django_db
def test_simple_csv_import_is_idempotent(tmp_path):
    _run(tmp_path, SIMPLE)
    _run(tmp_path, SIMPLE)
    fw = Framework.objects.get(slug="fw")
    comps = Competence.objects.filter(framework=fw)
    assert comps.count() == 3
    assert comps.get(code="A.1").parent.code == "A"
    assert comps.get(code="A.1").description == "Remove <errors>"
    assert ProficiencyLevel.objects.get(framework=fw).name == "Novice"
    assert AuditEvent.objects.filter(action="framework.imported").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,title\nx,y\n", "needs the columns"),
        ("kind,code,title,url\nthing,x,y,https://e.org\n", "line 2: kind"),
        ("kind,code,title,url\ncompetence,x,y,javascript:alert(1)\n", "not an http"),
        ("kind,code,title,url,parent_code\ncompetence,x,y,https://e.org,zz\n", "parent 'zz'"),
    ],
)
def test_bad_csv_is_refused_clearly(tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        _run(tmp_path, content)
    assert not Framework.objects.filter(slug="fw").exists()


@pytest.mark.django_db
def test_esco_csv(tmp_path):
    content = (
        "conceptType,conceptUri,skillType,preferredLabel,description\n"
        "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/abc,skill,"
        "use spreadsheets software,Use software tools to create tabular data.\n"
    )
    _run(tmp_path, content, fmt="esco")
    comp = Competence.objects.get(framework__slug="fw")
    assert comp.title == "use spreadsheets software"
    assert comp.url == comp.code == "http://data.europa.eu/esco/skill/abc"


@pytest.mark.django_db
def test_case_package(tmp_path):
    package = {
        "CFDocument": {"identifier": "doc"},
        "CFItems": [
            {
                "identifier": "i1",
                "humanCodingScheme": "M",
                "fullStatement": "Maths",
                "uri": "https://case.example.org/i1",
            },
            {
                "identifier": "i2",
                "humanCodingScheme": "M.1",
                "fullStatement": "Fractions",
                "uri": "https://case.example.org/i2",
            },
        ],
        "CFAssociations": [
            {
                "associationType": "isChildOf",
                "originNodeURI": {"identifier": "i2"},
                "destinationNodeURI": {"identifier": "i1"},
            },
        ],
    }
    _run(tmp_path, json.dumps(package), fmt="case", name="p.json")
    assert Competence.objects.get(code="M.1", framework__slug="fw").parent.code == "M"
    with pytest.raises(CommandError, match="not JSON"):
        _run(tmp_path, "{", fmt="case", name="p.json")
