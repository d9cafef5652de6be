"""On PostgreSQL, a credential's signed texts are compressed with LZ4 instead of pglz.

Each credential row carries three ~20-24 kB texts (the signed JSON and its two JWT forms),
compressed by the inserting backend (TOAST). pglz cost ~1.4-1.7 ms of database CPU per such
row, LZ4 ~0.2 ms, and LZ4's rows came out smaller (ADR 0086). Rows stored before keep pglz;
both read back the same. A server built without LZ4 keeps pglz; SQLite has no TOAST.
"""

from django.db import migrations

COLUMNS = ("document", "jwt", "vc_jwt")


def _set(schema_editor, method: str) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
            " AND %s = ANY(enumvals)",
            [method],
        )
        if cursor.fetchone() is None:
            return
    for column in COLUMNS:
        schema_editor.execute(
            f'ALTER TABLE "credentials_credential" ALTER COLUMN "{column}" SET COMPRESSION {method}'
        )


def forward(apps, schema_editor):
    _set(schema_editor, "lz4")


def backward(apps, schema_editor):
    _set(schema_editor, "pglz")


class Migration(migrations.Migration):
    dependencies = [("credentials", "0004_credential_status_category")]
    operations = [migrations.RunPython(forward, backward)]
