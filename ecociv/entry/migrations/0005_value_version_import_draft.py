import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("entry", "0004_heartbeat"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="indicatorvalue",
            name="entered_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="录入人"),
        ),
        migrations.AddField(
            model_name="indicatorvalue",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="版本"),
        ),
        migrations.RemoveField(model_name="importjob", name="approve"),
        migrations.AddField(
            model_name="importjob",
            name="draft",
            field=models.BooleanField(default=False),
        ),
    ]
