"""Community service: person-times, confirmation, logging rules, 登记为民情诉求, indicators."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mofan.community import services
from mofan.community.models import Project, ServiceRecord
from mofan.core.indicators import REGISTRY, Period
from mofan.orgs.models import Person

from .factories import DAY, community, kind, project, registration, service

YEAR = Period.year(2025)


def value(key, w, organ=None):
    return REGISTRY[key].value((organ or w.organ).pk, YEAR)


def new_record(w, **extra):
    return ServiceRecord(community=community(w), date=DAY, kind=kind(w), content="清理卫生",
                         **extra)


# ------------------------------------------------------------------ person-times


def test_person_times_count_each_member_once_per_record(world):
    services.save_record(new_record(world),
                         [world.member_person, world.head_person, world.member_person],
                         actor=world.users["member"])
    record = ServiceRecord.objects.get()
    assert record.participants.count() == 2


def test_person_times_add_members_across_records_and_events_count_records(world):
    service(world, [world.member_person, world.head_person])
    service(world, [world.member_person])
    assert value("community.service_person_times", world) == 3
    assert value("community.service_person_times.sanitation", world) == 3
    assert value("community.service_events.sanitation", world) == 2
    assert value("community.members_serving", world) == 2


def test_unconfirmed_and_returned_services_are_not_counted(world):
    service(world, status=ServiceRecord.SUBMITTED)
    service(world, status=ServiceRecord.RETURNED)
    assert value("community.service_person_times", world) == 0


def test_an_organ_that_never_logged_a_service_reads_no_data(world):
    service(world)
    assert value("community.service_person_times", world, world.other) is None
    assert value("community.service_events.epidemic", world, world.other) is None


def test_service_hours_are_summed_per_member(world):
    service(world, [world.member_person, world.head_person], hours="3")
    service(world, hours="")
    assert value("community.service_hours", world) == 6.0


def test_person_times_sources_are_the_rows_counted(world):
    service(world, [world.member_person, world.head_person])
    rows = REGISTRY["community.service_person_times"].sources(world.organ, YEAR)
    assert rows.count() == 2


# ------------------------------------------------------------------ logging rules


def test_member_cannot_log_a_service_for_another_organs_member(world):
    with pytest.raises(ValidationError, match="本机关党员"):
        services.save_record(new_record(world), [world.member_person, world.outsider_person],
                             actor=world.users["member"])
    assert not ServiceRecord.objects.exists()


def test_member_cannot_log_a_service_in_another_organs_community(world):
    record = new_record(world)
    record.community = community(world, world.other, "外机关社区")
    with pytest.raises(ValidationError, match="结对"):
        services.save_record(record, [world.member_person], actor=world.users["member"])


def test_member_cannot_log_a_service_he_did_not_take_part_in(world):
    with pytest.raises(ValidationError, match="本人参加"):
        services.save_record(new_record(world), [world.head_person], actor=world.users["member"])


def test_a_logged_record_belongs_to_the_members_unit_and_branch(world):
    record = services.save_record(new_record(world), [world.member_person],
                                  actor=world.users["member"])
    assert (record.org, record.branch, record.logged_by) == (
        world.other_section, world.branch, world.member_person)
    assert record.status == ServiceRecord.SUBMITTED


# ------------------------------------------------------------------ confirmation


@pytest.fixture
def secretary(world):
    """The head (王股长) is the secretary of the branch 李干部 belongs to."""
    world.branch.secretary = world.head_person
    world.branch.save()
    return world.users["head"]


def test_branch_secretary_confirms_a_members_record(world, secretary):
    record = service(world, status=ServiceRecord.SUBMITTED)
    services.do_confirm(record, actor=secretary)
    record.refresh_from_db()
    assert record.status == ServiceRecord.CONFIRMED
    assert record.confirmed_by == world.head_person


def test_secretary_cannot_confirm_a_record_he_served_in(world, secretary):
    record = service(world, [world.member_person, world.head_person],
                     status=ServiceRecord.SUBMITTED)
    with pytest.raises(ValidationError, match="本人"):
        services.do_confirm(record, actor=secretary)
    assert ServiceRecord.objects.get().status == ServiceRecord.SUBMITTED


def test_member_cannot_confirm_his_own_record(world):
    world.branch.secretary = world.member_person
    world.branch.save()
    record = service(world, status=ServiceRecord.SUBMITTED)
    with pytest.raises(ValidationError, match="本人"):
        services.do_confirm(record, actor=world.users["member"])


def test_member_who_is_not_secretary_cannot_confirm_a_colleagues_record(world):
    record = service(world, [world.head_person], status=ServiceRecord.SUBMITTED)
    with pytest.raises(ValidationError, match="支部书记"):
        services.do_confirm(record, actor=world.users["member"])


def test_return_needs_a_reason_and_an_edit_submits_again(world, secretary):
    record = service(world, status=ServiceRecord.SUBMITTED)
    with pytest.raises(ValidationError, match="退回原因"):
        services.do_return(record, actor=secretary, reason=" ")
    services.do_return(record, actor=secretary, reason="请写明服务地点")
    record.refresh_from_db()
    assert (record.status, record.status_note) == (ServiceRecord.RETURNED, "请写明服务地点")
    services.save_record(record, [world.member_person], actor=world.users["member"])
    assert ServiceRecord.objects.get().status == ServiceRecord.SUBMITTED


def test_a_confirmed_record_cannot_be_confirmed_again(world, secretary):
    record = service(world, status=ServiceRecord.CONFIRMED)
    with pytest.raises(ValidationError, match="待确认"):
        services.do_confirm(record, actor=secretary)


def test_confirmation_writes_an_audit_row(world, secretary):
    from mofan.audit.models import AuditLog

    record = service(world, status=ServiceRecord.SUBMITTED)
    services.do_confirm(record, actor=secretary)
    assert AuditLog.objects.filter(object_type="community.servicerecord",
                                   object_id=str(record.pk), action="transition").count() == 1


# ------------------------------------------------------------------ 登记为民情诉求


def test_register_appeal_creates_exactly_one_appeal_and_links_it(world):
    from mofan.appeals.models import Appeal

    record = service(world)
    appeal = services.do_register_appeal(record, actor=world.users["member"],
                                         title="路灯不亮", words="后街路灯坏了")
    record.refresh_from_db()
    assert record.appeal == appeal
    assert (appeal.org, appeal.source, appeal.place, appeal.registered_on) == (
        world.organ, "observe", "东街社区", DAY)
    assert Appeal.objects.count() == 1


def test_register_appeal_twice_still_makes_one(world):
    from mofan.appeals.models import Appeal

    record = service(world)
    first = services.do_register_appeal(record, actor=world.users["member"], title="路灯不亮",
                                        words="后街路灯坏了")
    stale = ServiceRecord.objects.get(pk=record.pk)
    stale.appeal_id = None  # a second click from a page loaded before the first
    again = services.do_register_appeal(stale, actor=world.users["admin"], title="路灯不亮",
                                        words="后街路灯坏了")
    assert again.pk == first.pk and Appeal.objects.count() == 1


def test_register_appeal_needs_a_title_and_the_words(world):
    record = service(world)
    with pytest.raises(ValidationError, match="标题"):
        services.do_register_appeal(record, actor=world.users["member"], title="", words="x")
    assert ServiceRecord.objects.get().appeal is None


def test_outsider_cannot_register_an_appeal_from_another_organs_record(world):
    record = service(world)
    response = world.client("outsider").post(
        f"/community/services/{record.pk}/appeal/", {"title": "x", "words": "y"})
    assert response.status_code == 404
    assert ServiceRecord.objects.get().appeal is None


# ------------------------------------------------------------------ registrations


def test_members_registered_counts_people_registered_during_the_year(world):
    registration(world)
    registration(world, world.head_person, registered_on=dt.date(2024, 3, 1),
                 ended_on=dt.date(2024, 12, 31))
    assert value("community.members_registered", world) == 1


def test_registration_in_another_organs_community_is_refused(world):
    from mofan.community.models import Registration

    reg = Registration(person=world.member_person, community=community(world, world.other, "外"),
                       registered_on=DAY)
    with pytest.raises(ValidationError) as exc:
        reg.full_clean(exclude=["org"])
    assert "community" in exc.value.message_dict


def test_a_non_party_member_cannot_register(world):
    from mofan.community.models import Registration

    masses = Person.objects.get(name="赵馆员")
    reg = Registration(person=masses, community=community(world), registered_on=DAY)
    with pytest.raises(ValidationError) as exc:
        reg.full_clean(exclude=["org"])
    assert "person" in exc.value.message_dict


# ------------------------------------------------------------------ 实事项目


def test_project_quantities_are_summed_per_unit_never_across_units(world):
    project(world, measures=[("铺平路面", "300", "sqm"), ("安装路灯", "5", "lamp")])
    project(world, measures=[("铺平路面", "20.5", "sqm"), ("雨污分流改造", None, "")])
    assert value("community.project_quantity.sqm", world) == 320.5
    assert value("community.project_quantity.lamp", world) == 5
    assert value("community.project_quantity.place", world) is None


def test_an_ongoing_project_counts_as_ongoing_and_adds_no_quantity(world):
    project(world, status=Project.ONGOING, measures=[("停车场建设", "60", "space")])
    assert value("community.projects_ongoing", world) == 1
    assert value("community.projects_done", world) == 0
    assert value("community.project_quantity.space", world) == 0


def test_a_done_project_needs_a_finish_date(world):
    p = Project(org=world.organ, title="x", community=community(world), status=Project.DONE)
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "finished_on" in exc.value.message_dict


def test_parse_measures_reads_quantities_and_units(world):
    found = services.parse_measures("铺平路面 300 平方米；安装路灯5盏；雨污分流改造")
    assert [(m.name, m.quantity, m.unit) for m in found] == [
        ("铺平路面", 300, "sqm"), ("安装路灯", 5, "lamp"), ("雨污分流改造", None, "")]
