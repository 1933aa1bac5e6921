"""Rows of the test world's first organ for ledger tests (and the outsider walk)."""

import datetime as dt

from django.utils import timezone

from mofan.core import ledger

from ..models import Appeal


def appeal(world, *, title="图书馆周末开放时间咨询", category="consult", **extra):
    day = extra.pop("registered_on", dt.date(2025, 9, 30))
    item = Appeal(org=world.organ, title=title, source="listen", category=category,
                  words="周末图书馆几点开门？", place="东街社区", contact="13912345678",
                  registered_on=day, **extra)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
    return ledger.register_item(item, actor=ledger.SYSTEM, at=moment)


def first_appeal(world):
    return Appeal.objects.filter(org=world.organ).first() or appeal(world)


def first_file(world):
    """An evidence row (its file is never opened: outsiders are refused before that)."""
    from django.contrib.contenttypes.models import ContentType

    from mofan.core.models import LedgerFile

    item = first_appeal(world)
    return LedgerFile.objects.filter(object_id=item.pk).first() or LedgerFile.objects.create(
        content_type=ContentType.objects.get_for_model(Appeal), object_id=item.pk,
        file="ledger/test/receipt.pdf", original_name="回执.pdf", size=13)
