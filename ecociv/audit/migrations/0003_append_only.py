# The audit tables refuse UPDATE and DELETE in the database (ecociv/audit/immutable.py).
from django.db import migrations


def forwards(apps, schema_editor):
    from ecociv.audit.immutable import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    from ecociv.audit.immutable import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_protect_user_and_region"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
