"""Demo accounts: one per role, passwords generated here and printed once."""

from django.db import transaction

from mofan.core import scoping

from .models import User
from .passwords import generate_password
from .services import set_password

ORDER = 20


def demo_accounts(world):
    main, committee = world.data["main"], world.data["committee"]
    office = main["sections"][0]
    accounts = [
        ("wgxlj_admin", scoping.ORG_ADMIN, main["organ"], main["staff"][office][1],
         "单位管理员（文广新旅局办公室）"),
        ("wgxlj_bgs", scoping.HEAD, office, main["staff"][office][0], "负责人（办公室股长）"),
        ("wgxlj_member", scoping.MEMBER, main["sections"][3], main["staff"][main["sections"][3]][1],
         "干部/党员"),
        ("gongwei", scoping.COMMITTEE, committee, None, "工委管理员"),
        ("sysadmin", scoping.SYSADMIN, committee, None, "系统管理员"),
        ("secadmin", scoping.SECADMIN, committee, None, "安全管理员"),
        ("auditor", scoping.AUDITOR, committee, None, "审计员"),
    ]
    if "other" in world.data:
        other = world.data["other"]
        accounts.append(("fgj_admin", scoping.ORG_ADMIN, other["organ"],
                         other["staff"][other["sections"][0]][0], "单位管理员（另一机关，用于查看隔离）"))
    return accounts


def load(world):
    for username, role, org, person, _ in demo_accounts(world):
        User.objects.create(username=username, role=role, org=org, person=person)


@transaction.atomic
def issue_passwords(usernames):
    """(username, role label, password) for each existing demo account, new passwords."""
    issued = []
    for user in User.objects.filter(username__in=usernames).order_by("id"):
        password = generate_password()
        user.password_history.all().delete()  # a demo reset is not a reuse
        set_password(user, password, temporary=True)
        issued.append((user, password))
    return issued
