import pytest

from rubrics.models import Competence, Framework, ProficiencyLevel


@pytest.mark.django_db
def test_digcomp_22_is_preloaded():
    fw = Framework.objects.get(slug="digcomp-2-2")
    assert (fw.name, fw.version) == ("DigComp", "2.2")
    areas = Competence.objects.filter(framework=fw, kind="area")
    competences = Competence.objects.filter(framework=fw, kind="competence")
    assert areas.count() == 5 and competences.count() == 21
    assert list(areas.values_list("title", flat=True)) == [
        "Information and data literacy",
        "Communication and collaboration",
        "Digital content creation",
        "Safety",
        "Problem solving",
    ]
    c = competences.get(code="1.1")
    assert c.title == "Browsing, searching and filtering data, information and digital content"
    assert c.parent.code == "1"
    assert competences.get(code="3.4").title == "Programming"
    assert competences.get(code="5.4").parent.title == "Problem solving"
    assert [c.code for c in competences.filter(parent__code="2")] == [
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "2.6",
    ]
    levels = ProficiencyLevel.objects.filter(framework=fw)
    assert levels.count() == 8
    assert [lv.group for lv in levels] == ["Foundation"] * 2 + ["Intermediate"] * 2 + [
        "Advanced"
    ] * 2 + ["Highly specialised"] * 2
    for obj in [*competences, *levels]:
        assert obj.url.startswith("https://publications.jrc.ec.europa.eu/")
    assert len({c.url for c in competences}) == 21


@pytest.mark.django_db
def test_qa_group_exists():
    from django.contrib.auth.models import Group

    assert Group.objects.filter(name="Quality assurance").exists()
