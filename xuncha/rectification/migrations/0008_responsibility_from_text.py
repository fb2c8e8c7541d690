"""Fill the items' 第一责任人 from the free-text responsible leader where it reads as one person: ``李明（村党支部书记）``,
``村党支部书记 李明`` or a bare name. Texts naming several people or a unit stay for the office to sort out. The parser
is copied here (not imported) so that the migration keeps its meaning when the code moves on."""

import re

from django.db import migrations

NAME_THEN_POST = re.compile(r"^\s*([\u4e00-\u9fff·]{2,6})\s*[（(]\s*([^（()）]+?)\s*[)）]\s*$")
POST_THEN_NAME = re.compile(r"^\s*(\S.*?)[\s:：]+([\u4e00-\u9fff·]{2,4})\s*$")
NAME_ONLY = re.compile(r"^\s*([\u4e00-\u9fff·]{2,4})\s*$")
POST_WORDS = ("书记", "主任", "委员", "文书", "会计", "村长", "组长", "干部", "负责人", "主席", "站长", "所长")


def parse(text):
    if match := NAME_THEN_POST.match(text):
        return match.group(1), match.group(2)
    if (match := POST_THEN_NAME.match(text)) and match.group(1).endswith(POST_WORDS):
        return match.group(2), match.group(1).strip()
    if (match := NAME_ONLY.match(text)) and not text.strip().endswith(POST_WORDS):
        return match.group(1), ""
    return None


def fill(apps, schema_editor):
    LedgerItem = apps.get_model("rectification", "LedgerItem")
    items = LedgerItem.objects.filter(first_responsible_name="").exclude(responsible_leader="")
    changed = []
    for item in items.only("pk", "responsible_leader").iterator(chunk_size=2000):
        parsed = parse(item.responsible_leader)
        if parsed is not None:
            item.first_responsible_name, item.first_responsible_post = parsed
            changed.append(item)
    LedgerItem.objects.bulk_update(changed, ["first_responsible_name", "first_responsible_post"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("rectification", "0007_responsibility")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
