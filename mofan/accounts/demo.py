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
        ("wgxlj_admin", scoping.ORG_ADMIN, main["organ"], main["staff"][office][1]),
        ("wgxlj_bgs", scoping.HEAD, office, main["staff"][office][0]),
        ("wgxlj_member", scoping.MEMBER, main["sections"][3], main["staff"][main["sections"][3]][1]),
        ("gongwei", scoping.COMMITTEE, committee, None),
        ("sysadmin", scoping.SYSADMIN, committee, None),
        ("secadmin", scoping.SECADMIN, committee, None),
        ("auditor", scoping.AUDITOR, committee, None),
    ]
    if "other" in world.data:
        other = world.data["other"]
        accounts.append(("fgj_admin", scoping.ORG_ADMIN, other["organ"],
                         other["staff"][other["sections"][0]][0]))
    return accounts


# What each demo account is for, as printed by ``demo_logins``.
DEMO_LOGINS = {
    "wgxlj_admin": "单位管理员（示例县文广新旅局）",
    "wgxlj_bgs": "负责人（办公室股长）",
    "wgxlj_member": "干部/党员",
    "gongwei": "工委管理员（看全部机关）",
    "fgj_admin": "单位管理员（另一机关，看不到文广新旅局）",
    "sysadmin": "系统管理员",
    "secadmin": "安全管理员",
    "auditor": "审计员",
}


def load(world):
    for username, role, org, person in demo_accounts(world):
        User.objects.create(username=username, role=role, org=org, person=person)


@transaction.atomic
def issue_passwords(usernames):
    """Give each existing demo account a new random password: [(user, password)]."""
    issued = []
    for user in User.objects.filter(username__in=usernames).order_by("id"):
        password = generate_password()
        user.password_history.all().delete()  # a demo reset is not a reuse
        set_password(user, password, temporary=True)
        issued.append((user, password))
    return issued
