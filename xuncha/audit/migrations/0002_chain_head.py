from django.db import migrations


def create_head(apps, schema_editor):
    """The chain head row must exist before the first event so that writers can lock it."""
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainHead.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
