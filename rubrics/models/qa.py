"""Who is quality assurance for which platform (institution)."""

from django.conf import settings
from django.db import models

from lti_tool.models import Platform

QA_GROUP = "Quality assurance"


class QAScope(models.Model):
    """A Django user of the "Quality assurance" group acts as QA for these platforms only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_scopes"
    )
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="qa_scopes")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "platform"], name="uniq_qa_scope")]
        verbose_name = "QA scope"

    def __str__(self) -> str:
        return f"{self.user} → {self.platform.name}"
