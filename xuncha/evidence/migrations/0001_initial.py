"""Evidence moves here from findings: only the model's state moves; its rows stay in the table findings created
(renamed in 0002 once findings no longer holds the model)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import xuncha.evidence.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("findings", "0005_evidence_on_rectification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Evidence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                max_length=200, upload_to=xuncha.evidence.models.evidence_path, verbose_name="file"
                            ),
                        ),
                        ("original_name", models.CharField(max_length=200, verbose_name="file name")),
                        ("content_type", models.CharField(max_length=120, verbose_name="type")),
                        ("extension", models.CharField(max_length=10, verbose_name="extension")),
                        ("size", models.PositiveIntegerField(verbose_name="size")),
                        ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                        ("caption", models.CharField(blank=True, max_length=200, verbose_name="caption")),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="uploaded by",
                            ),
                        ),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded at")),
                    ],
                    options={
                        "verbose_name": "evidence file",
                        "verbose_name_plural": "evidence files",
                        "ordering": ["uploaded_at"],
                        "db_table": "findings_evidence",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
