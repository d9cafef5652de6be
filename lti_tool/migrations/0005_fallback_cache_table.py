"""The database cache table again, for deployments that migrated with Redis configured.

Since the cache falls back to the database while Redis is down (config/cache_fallback.py),
a Redis deployment needs the table too; 0002 created it only when the database cache was the
configured one. `createcachetable` skips a table that exists.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("lti_tool", "0004_platform_status")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
