"""The table findings created takes the evidence app's name, now that findings no longer holds the model."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("findings", "0008_remove_evidence_owners"),
    ]

    operations = [
        migrations.AlterModelTable(name="evidence", table=None),
    ]
