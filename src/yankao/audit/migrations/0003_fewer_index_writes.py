"""Drop the single-column index on target_type: (target_type, target_id) serves lookups by type,
and each audit entry written paid for both (on PostgreSQL a LIKE index too).

Only the indexes go: an AlterField would rebuild the table on SQLite and lose the trigger that
keeps audit history append-only (0002).
"""

from django.db import migrations, models

INDEX = "audit_auditentry_target_type_326c1332"


def forwards(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}_like"')


def backwards(apps, schema_editor):
    schema_editor.execute(f'CREATE INDEX "{INDEX}" ON "audit_auditentry" ("target_type")')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{INDEX}_like" ON "audit_auditentry" ("target_type" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="target_type",
                    field=models.CharField(blank=True, max_length=100, verbose_name="record type"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
