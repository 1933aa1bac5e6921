"""Small builders of cultural events in the test world (conftest ``world``)."""

import datetime as dt

from mofan.culture.models import Event


def event(w, *, kind=Event.OPERA, org=None, date=dt.date(2025, 3, 12), shows=1, audience=300,
          **extra):
    extra.setdefault("village", "法水村")
    extra.setdefault("title", f"{kind} 活动")
    return Event.objects.create(org=org or w.organ, kind=kind, date=date,
                                shows=shows, audience=audience, **extra)


def first_event(w):
    return Event.objects.filter(org__organ=w.organ).first() or event(w)


OBJECT_FOR = {f"culture:event_{s}": first_event for s in ("detail", "edit", "delete")}
