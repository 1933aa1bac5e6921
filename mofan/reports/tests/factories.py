"""Small builders for the reports tests in the test world (conftest ``world``)."""

from mofan.reports.models import PlaceName, SummaryTemplate

# A template every field of which has data in the small world: its campaign, its people.
TITLE = "{{ 机关 }}{{ 年份 }}年创建模范机关工作总结"
BODY = """\
{{ 年份 }}年来，{{ 机关 }}扎实推进模范机关创建。
一、加强组织领导
研究制定《{{ orgs.plan_title }}》，全局干部职工{{ orgs.staff_count }}人、党员{{ orgs.party_member_count }}人，党支部{{ orgs.branch_count }}个。
（一）打造“学习型”机关。全局干部职工{{ orgs.staff_count + orgs.party_member_count }}人次参加学习。
1.坚持第一议题。测试县城关镇的同志参加。
（1）建立台账。共128场。
下一步，{{ 机关 }}将继续努力。
"""


def template(w, *, org=None, year=2025, title=TITLE, body=BODY, **extra):
    return SummaryTemplate.objects.create(org=org or w.organ, year=year, title=title, body=body,
                                          **extra)


def place(w, name="城关", org=None, masked=True):
    return PlaceName.objects.create(org=org or w.organ, name=name, masked=masked)


def first_place(w):
    return PlaceName.objects.filter(org=w.organ).first() or place(w)


OBJECT_FOR = {f"reports:placename_{s}": first_place for s in ("detail", "edit", "delete")}
