"""DigComp 2.2 (5 areas, 21 competences, 8 proficiency levels) and the QA group.

Titles and codes are those of "DigComp 2.2: The Digital Competence Framework for Citizens"
(Vuorikari, Kluzer, Punie; JRC, 2022; doi:10.2760/115376). The JRC publishes no page per
competence, so each competence and level points at the official publication with a fragment
naming its code (ADR 0031). Loaded by migration 0002; callable again at any time.
"""

from django.apps import apps as django_apps

PUBLICATION = "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415"
FRAMEWORK_PAGE = (
    "https://joint-research-centre.ec.europa.eu/projects-and-activities/education-and-training/"
    "digital-transformation-education/digital-competence-framework-citizens-digcomp_en"
)

AREAS = [
    (
        "1",
        "Information and data literacy",
        [
            ("1.1", "Browsing, searching and filtering data, information and digital content"),
            ("1.2", "Evaluating data, information and digital content"),
            ("1.3", "Managing data, information and digital content"),
        ],
    ),
    (
        "2",
        "Communication and collaboration",
        [
            ("2.1", "Interacting through digital technologies"),
            ("2.2", "Sharing through digital technologies"),
            ("2.3", "Engaging in citizenship through digital technologies"),
            ("2.4", "Collaborating through digital technologies"),
            ("2.5", "Netiquette"),
            ("2.6", "Managing digital identity"),
        ],
    ),
    (
        "3",
        "Digital content creation",
        [
            ("3.1", "Developing digital content"),
            ("3.2", "Integrating and re-elaborating digital content"),
            ("3.3", "Copyright and licences"),
            ("3.4", "Programming"),
        ],
    ),
    (
        "4",
        "Safety",
        [
            ("4.1", "Protecting devices"),
            ("4.2", "Protecting personal data and privacy"),
            ("4.3", "Protecting health and well-being"),
            ("4.4", "Protecting the environment"),
        ],
    ),
    (
        "5",
        "Problem solving",
        [
            ("5.1", "Solving technical problems"),
            ("5.2", "Identifying needs and technological responses"),
            ("5.3", "Creatively using digital technologies"),
            ("5.4", "Identifying digital competence gaps"),
        ],
    ),
]

# (level, group, complexity of tasks / autonomy, summarised)
LEVELS = [
    ("1", "Foundation", "Simple tasks, with guidance."),
    ("2", "Foundation", "Simple tasks, on my own and with guidance where needed."),
    ("3", "Intermediate", "Well-defined, routine tasks and straightforward problems, on my own."),
    ("4", "Intermediate", "Tasks and well-defined, non-routine problems, independently."),
    ("5", "Advanced", "Different tasks and problems, guiding others."),
    ("6", "Advanced", "The most appropriate tasks; adapting to others in a complex context."),
    ("7", "Highly specialised", "Complex problems with limited solutions; guiding others."),
    ("8", "Highly specialised", "Complex problems with many factors; proposing new ideas."),
]


def load_digcomp(apps=None) -> None:
    """Create or refresh DigComp 2.2 and the QA group (idempotent). `apps`: a migration's
    app registry, or None for the current models (e.g. after a test database flush)."""
    if apps is None:
        apps = django_apps
    Framework = apps.get_model("rubrics", "Framework")
    Competence = apps.get_model("rubrics", "Competence")
    ProficiencyLevel = apps.get_model("rubrics", "ProficiencyLevel")
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Quality assurance")
    fw, _ = Framework.objects.update_or_create(
        slug="digcomp-2-2",
        defaults={
            "name": "DigComp",
            "version": "2.2",
            "url": FRAMEWORK_PAGE,
            "description": "The Digital Competence Framework for Citizens (European Commission, "
            "Joint Research Centre, 2022).",
            "source": "builtin",
        },
    )
    position = 0
    for area_code, area_title, competences in AREAS:
        position += 1
        area, _ = Competence.objects.update_or_create(
            framework=fw,
            code=area_code,
            defaults={
                "kind": "area",
                "title": area_title,
                "url": f"{PUBLICATION}#area-{area_code}",
                "position": position,
            },
        )
        for code, title in competences:
            position += 1
            Competence.objects.update_or_create(
                framework=fw,
                code=code,
                defaults={
                    "kind": "competence",
                    "parent": area,
                    "title": title,
                    "url": f"{PUBLICATION}#competence-{code}",
                    "position": position,
                },
            )
    for i, (code, group, description) in enumerate(LEVELS, start=1):
        ProficiencyLevel.objects.update_or_create(
            framework=fw,
            code=code,
            defaults={
                "name": f"{group} {code}",
                "group": group,
                "description": description,
                "url": f"{PUBLICATION}#proficiency-level-{code}",
                "position": i,
            },
        )
