"""The evidence table loses its owner keys (the owners hold the links now); findings no longer holds
the model, whose state moved to the evidence app in evidence 0001."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0007_copy_evidence_links"),
        ("rectification", "0004_copy_evidence_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RemoveField(model_name="evidence", name="problem"),
                migrations.RemoveField(model_name="evidence", name="petition"),
                migrations.RemoveField(model_name="evidence", name="progress"),
                migrations.RemoveField(model_name="evidence", name="visit_check"),
            ],
            state_operations=[
                migrations.DeleteModel(name="Evidence"),
            ],
        ),
    ]
