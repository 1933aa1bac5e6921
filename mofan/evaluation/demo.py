"""The demo year's criteria: the default set, published by the demo committee account,
with a manual 综合评价 for the first organs so the ranking has every kind of item."""

from decimal import Decimal

from mofan.accounts.models import User
from mofan.core.scoping import COMMITTEE

from . import services
from .models import CriteriaItem, ManualScore

ORDER = 90  # after every app whose indicators it reads


def load(world):
    committee = world.data["committee"]
    user = User.objects.filter(role=COMMITTEE, org=committee).order_by("pk").first()
    if user is None:
        return
    cset = services.publish(services.create_default_set(user, world.year), user)
    manual = CriteriaItem.objects.filter(group__criteria_set=cset,
                                         method=CriteriaItem.MANUAL).first()
    if manual is None:
        return
    for parts in world.data["organs"][:3]:
        points = Decimal(world.rng.randint(6, 10))
        services.set_manual_score(manual, parts["organ"], points,
                                  "工委实地检查：创建氛围浓厚，特色做法有成效", user)
    # The county's other organs: the committee's on-site score follows how diligent each
    # organ was, in bulk (the first organs above went through the audited service).
    ManualScore.objects.bulk_create([
        ManualScore(item=manual, org=parts["organ"], scored_by=user,
                    points=Decimal(round(manual.points * Decimal(world.diligence(parts["organ"])))),
                    reason="工委实地检查：对照创建标准逐项评定")
        for parts in world.county_organs()[2:]])
