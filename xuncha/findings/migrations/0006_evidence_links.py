"""Problems and petitions hold links to their evidence files (filled from the old owner keys in 0007). The old keys
lose their check first (backwards it returns only once 0007 has written the keys again) and their reverse names,
which the new fields take."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("findings", "0005_evidence_on_rectification"),
        ("rectification", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="evidence", name="evidence_has_an_owner"),
        migrations.AlterField(
            model_name="evidence",
            name="problem",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="findings.problem",
                verbose_name="problem",
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="petition",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="findings.petition",
                verbose_name="petition",
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="progress",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="rectification.progress",
                verbose_name="progress note",
            ),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="visit_check",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="rectification.visitcheck",
                verbose_name="return-visit check",
            ),
        ),
        migrations.AddField(
            model_name="problem",
            name="evidence",
            field=models.ManyToManyField(blank=True, related_name="+", to="evidence.evidence", verbose_name="evidence"),
        ),
        migrations.AddField(
            model_name="petition",
            name="evidence",
            field=models.ManyToManyField(blank=True, related_name="+", to="evidence.evidence", verbose_name="photos"),
        ),
    ]
