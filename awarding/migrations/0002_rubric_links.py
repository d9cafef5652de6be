# Rubric links, added once the rubrics app had its models. Tables are empty at this point
# (no release had 0001 alone), so the non-null columns need no default.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("awarding", "0001_initial"),
        ("rubrics", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="awardingrule",
            name="rubric",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="awarding_rules",
                to="rubrics.rubric",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="decision",
            name="rubric_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="rubrics.rubricversion",
            ),
            preserve_default=False,
        ),
    ]
