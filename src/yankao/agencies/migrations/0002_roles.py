from django.db import migrations

ROLE_CODES = [
    "rdec_admin",
    "rdec_case_officer",
    "hotline_operator",
    "plan_controller",
    "inspector",
    "agency_case_officer",
    "agency_supervisor",
    "viewer",
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("agencies", "Role")
    for code in ROLE_CODES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
