import uuid

from django.db import migrations


def fill_public_keys(apps, schema_editor):
    """Each existing assignment gets its own key: adding the column gave them all the same default value."""
    Assignment = apps.get_model("inspections", "Assignment")
    for assignment in Assignment.objects.only("pk"):
        Assignment.objects.filter(pk=assignment.pk).update(public_key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_assignment_public_key_channels")]

    operations = [migrations.RunPython(fill_public_keys, migrations.RunPython.noop)]
