"""Preload DigComp 2.2 and the "Quality assurance" group (data in rubrics.digcomp)."""

from django.db import migrations


def load(apps, schema_editor):
    from rubrics.digcomp import load_digcomp

    load_digcomp(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("rubrics", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
