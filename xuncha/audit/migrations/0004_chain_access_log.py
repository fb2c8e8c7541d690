"""Chain the access-log rows written before the access log had a chain, oldest first, and set its head row.

The rows are hashed with the audit key of the machine that migrates, as new rows will be; what they held before
this migration is taken as it stands (it could not be verified before either).
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations

GENESIS_HASH = "0" * 64
ACCESS_HEAD_PK = 2


def _hash(row, seq, prev_hash):
    # The same payload as ``audit.chain.access_hash`` (kept here as it is today, as migrations must).
    payload = {
        "kind": "access",
        "seq": seq,
        "prev": prev_hash,
        "at": row.created_at.astimezone(UTC).isoformat(),
        "user": row.user_id,
        "action": row.action,
        "type": row.object_type,
        "id": row.object_id,
        "detail": row.detail,
        "ip": row.ip_address,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def chain_access_log(apps, schema_editor):
    AccessLog = apps.get_model("audit", "AccessLog")
    ChainHead = apps.get_model("audit", "ChainHead")
    seq, prev_hash = 0, GENESIS_HASH
    for row in AccessLog.objects.filter(seq__isnull=True).order_by("created_at", "pk").iterator(chunk_size=2000):
        seq += 1
        row.seq, row.prev_hash = seq, prev_hash
        row.hash = prev_hash = _hash(row, seq, prev_hash)
        row.save(update_fields=["seq", "prev_hash", "hash"])
    ChainHead.objects.update_or_create(pk=ACCESS_HEAD_PK, defaults={"seq": seq, "hash": prev_hash})


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_access_log_chain")]

    operations = [migrations.RunPython(chain_access_log, migrations.RunPython.noop)]
