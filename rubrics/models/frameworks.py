"""Competence frameworks (DigComp 2.2 preloaded; others imported), their competences and
proficiency levels, which rubric criteria align to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Framework(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=50, blank=True)
    url = models.URLField(max_length=500)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=20, default="builtin", help_text="builtin, csv, esco")

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class Competence(models.Model):
    """An area (a group, not alignable) or a competence of a framework."""

    class Kind(models.TextChoices):
        AREA = "area", _("Competence area")
        COMPETENCE = "competence", _("Competence")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competences")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMPETENCE)
    code = models.CharField(max_length=100)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=1000)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="uniq_competence_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProficiencyLevel(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="proficiency_levels"
    )
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=1000)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="uniq_proficiency_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
