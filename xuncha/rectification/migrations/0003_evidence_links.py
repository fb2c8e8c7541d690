"""Progress notes and return-visit checks hold links to their evidence files (filled from the old owner keys in
0004)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("findings", "0006_evidence_links"),
        ("rectification", "0002_item_done_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="progress",
            name="evidence",
            field=models.ManyToManyField(blank=True, related_name="+", to="evidence.evidence", verbose_name="evidence"),
        ),
        migrations.AddField(
            model_name="visitcheck",
            name="evidence",
            field=models.ManyToManyField(blank=True, related_name="+", to="evidence.evidence", verbose_name="photos"),
        ),
    ]
