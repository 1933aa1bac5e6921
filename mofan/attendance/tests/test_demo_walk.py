"""Issue 11 "Done when", on the demo: every attendance screen opens with the demo's data."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import User
from mofan.attendance.models import Bulletin, DayPlan, DayStat, MonthCase, Punch
from mofan.core.views import default_year


def login(username):
    user = User.objects.get(username=username)
    user.must_change_password, user.password_changed_at = False, timezone.now()
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_the_demo_walk_opens_every_attendance_screen_with_data(db):
    call_command("load_demo", stdout=StringIO())
    year = default_year()
    admin = login("wgxlj_admin")
    day = dt.date(year, 12, 10)
    pages = {
        "/attendance/": ({"date": str(day)}, "出勤率"),
        "/attendance/week/": ({"date": str(day)}, "已发布的通报"),
        "/attendance/month/": ({"month": f"{year}-11"}, "实际处理"),
        "/attendance/import/": ({}, "上传并校验"),
        "/attendance/explanations/": ({}, "下班时忘记打卡"),
        "/attendance/spot-checks/": ({}, "考勤抽查"),
        "/attendance/schedules/": ({}, "夏令时"),
        "/attendance/absences/": ({}, "演示数据"),
        "/attendance/policies/": ({}, "考勤规则"),
        "/attendance/mappings/": ({}, "导入列对应"),
    }
    for url, (params, text) in pages.items():
        r = admin.get(url, params)
        assert r.status_code == 200 and text in r.text, url
    b = Bulletin.objects.filter(org__code="wgxlj").first()
    assert admin.get(f"/attendance/bulletins/{b.pk}/docx/").status_code == 200
    assert admin.get(f"/attendance/bulletins/{b.pk}/xlsx/").status_code == 200
    r = admin.get("/attendance/month/", {"month": f"{year}-11", "export": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    # The month's handling was decided by someone, at some time.
    assert MonthCase.objects.filter(org__organ__code="wgxlj", month=dt.date(year, 11, 1),
                                    decided_by__isnull=False, decided_at__isnull=False).exists()
    # Summer schedule in force in July, the winter one in December.
    july, dec = (DayPlan.objects.get(organ__code="wgxlj", date=dt.date(year, m, 15))
                 for m in (7, 12))
    assert (july.schedule_name, dec.schedule_name) == ("夏令时", "冬令时")
    # A whole year of punches, none on a statutory holiday.
    months = {d.month for d in Punch.objects.filter(organ__code="wgxlj").dates("date", "month")}
    assert months == set(range(1, 13))
    holidays = DayPlan.objects.filter(organ__code="wgxlj", kind="holiday").values("date")
    assert holidays.exists()
    assert not Punch.objects.filter(organ__code="wgxlj", date__in=holidays).exists()
    # 调休 Saturdays and Sundays are worked.
    makeup = DayPlan.objects.filter(organ__code="wgxlj", kind="workday",
                                    date__week_day__in=[1, 7]).values("date")
    assert Punch.objects.filter(organ__code="wgxlj", date__in=makeup).exists()
    assert DayStat.objects.filter(organ__code="wgxlj", status=DayStat.HOLIDAY,
                                  date=dt.date(year, 10, 1)).exists()
    member = login("wgxlj_member")
    r = member.get("/attendance/mine/", {"month": f"{year}-12"})
    assert r.status_code == 200 and "本月尚无考勤统计" not in r.text
