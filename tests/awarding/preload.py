"""Data the migrations preload (DigComp 2.2, the QA group), restored after a transactional
test's flush removed it — cheaper and sturdier than serialized rollback."""

import importlib

from django.apps import apps

from rubrics.models import Framework


def ensure_preloaded() -> None:
    if not Framework.objects.filter(slug="digcomp-2-2").exists():
        migration = importlib.import_module("rubrics.migrations.0002_digcomp_and_qa_group")
        migration.load(apps, None)
