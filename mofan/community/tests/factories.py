"""Community rows in the test world (conftest ``world``) and the outsider walk's objects."""

import datetime as dt
from decimal import Decimal

from mofan.core.tests.ledger_factories import _each

from ..models import (
    Community,
    Measure,
    Project,
    Registration,
    ServiceKind,
    ServiceParticipant,
    ServiceRecord,
    ensure_kinds,
)

DAY = dt.date(2025, 5, 10)


def community(w, organ=None, name="东街社区"):
    organ = organ or w.organ
    return Community.objects.get_or_create(org=organ, name=name,
                                           defaults={"township": "城关镇"})[0]


def kind(w, code="sanitation", organ=None):
    organ = organ or w.organ
    ensure_kinds(organ)
    return ServiceKind.objects.get(org=organ, code=code)


def service(w, members=None, *, code="sanitation", date=DAY, status=ServiceRecord.CONFIRMED,
            hours="2", organ=None, logged_by=None):
    """A record written straight to the database (no rule is asked)."""
    members = members or [w.member_person]
    lead = members[0]
    r = ServiceRecord.objects.create(
        org=lead.org, branch=lead.branch, logged_by=logged_by or lead,
        community=community(w, organ), date=date, kind=kind(w, code, organ),
        hours=Decimal(hours) if hours else None, content="清理小区卫生死角", status=status)
    for p in members:
        ServiceParticipant(record=r, person=p).save()
    return r


def registration(w, person=None, **extra):
    person = person or w.member_person
    return Registration.objects.create(person=person, community=community(w),
                                       registered_on=extra.pop("registered_on", DAY), **extra)


def project(w, *, status=Project.DONE, finished_on=DAY, measures=(("铺平路面", "300", "sqm"),),
            organ=None):
    organ = organ or w.organ
    p = Project.objects.create(org=organ, title="幸福小区路面硬化", community=community(w, organ),
                               status=status, started_on=dt.date(2025, 3, 1),
                               finished_on=finished_on if status == Project.DONE else None)
    for i, (name, qty, unit) in enumerate(measures):
        Measure.objects.create(project=p, name=name, sort=i, unit=unit,
                               quantity=Decimal(qty) if qty else None)
    return p


def first(model, factory):
    def get(w):
        return model.objects.filter(org__path__startswith=w.organ.path).first() or factory(w)
    return get


first_service = first(ServiceRecord, service)
first_project = first(Project, project)


def first_measure(w):
    first_project(w)
    return Measure.objects.filter(org__path__startswith=w.organ.path).first()


OBJECT_FOR = {
    **_each("community:servicerecord", first_service),
    "community:servicerecord_photo": first_service,
    "community:record_confirm": first_service,
    "community:record_return": first_service,
    "community:record_appeal": first_service,
    **_each("community:registration", first(Registration, registration)),
    **_each("community:project", first_project),
    **_each("community:measure", first_measure),
    **_each("community:community", first(Community, community)),
    **_each("community:servicekind", first(ServiceKind, kind)),
}
