"""Each progress note's and return-visit check's evidence files, named until now by the file's owner key (on the
evidence table findings created), become links of the owner. Backwards, the links are written back."""

from typing import Any

from django.db import migrations

# (owner model, the owner key on the old evidence table, the owner's column in the link table)
OWNERS = [("Progress", "progress", "progress"), ("VisitCheck", "visit_check", "visitcheck")]


def copy_owner_keys(apps: Any, schema_editor: Any) -> None:
    evidence = apps.get_model("findings", "Evidence")
    for model, key, column in OWNERS:
        through = apps.get_model("rectification", model)._meta.get_field("evidence").remote_field.through
        rows = evidence.objects.filter(**{f"{key}__isnull": False}).values_list("pk", f"{key}_id")
        through.objects.bulk_create(
            (through(evidence_id=pk, **{f"{column}_id": owner}) for pk, owner in rows.iterator()), batch_size=1000
        )


def copy_links_back(apps: Any, schema_editor: Any) -> None:
    evidence = apps.get_model("findings", "Evidence")
    for model, key, column in OWNERS:
        through = apps.get_model("rectification", model)._meta.get_field("evidence").remote_field.through
        for pk, owner in through.objects.values_list("evidence_id", f"{column}_id").iterator():
            evidence.objects.filter(pk=pk).update(**{f"{key}_id": owner})


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0006_evidence_links"),
        ("rectification", "0003_evidence_links"),
    ]

    operations = [
        migrations.RunPython(copy_owner_keys, copy_links_back, elidable=False),
    ]
