"""The demo year of the enterprise app: every figure of the reference's 服务型 section that
this app owns has a value, the cadence grid shows the missing 调度 month, and the pages open."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mofan.accounts.models import User
from mofan.core.indicators import REGISTRY, Period
from mofan.core.views import default_year
from mofan.enterprise import services
from mofan.enterprise.models import ChainCommittee, ChainMeeting, SupportRecord
from mofan.enterprise.money import in_wan, in_yi
from mofan.orgs.models import Org


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    return Org.objects.get(code="wgxlj"), Period.year(default_year())


def test_every_enterprise_figure_of_the_demo_bureau_has_a_value(demo):
    organ, period = demo
    keys = [k for k in REGISTRY if k.startswith("enterprise.")]
    values = {k: REGISTRY[k].value(organ.pk, period) for k in keys}
    assert None not in values.values(), values
    assert values["enterprise.chain_cadence_gaps"] == 1
    assert values["enterprise.chain_meetings.summary"] == 4
    assert values["enterprise.chain_meetings.review"] == 1
    assert values["enterprise.relief_meetings"] >= 10


def test_the_demo_amounts_read_like_the_reference(demo):
    organ, period = demo
    value = lambda key: REGISTRY[key].value(organ.pk, period)  # noqa: E731
    assert in_yi(value("enterprise.financing_amount")) > 1  # 超*亿元
    assert 10 <= in_wan(value("enterprise.support_amount.power_subsidy")) < 100  # **.**万元
    assert 100 <= in_wan(value("enterprise.vouchers_amount")) < 1000  # ***万元
    assert value("enterprise.support_amount") == sum(
        SupportRecord.objects.filter(org__organ=organ, date__year=period.start.year)
        .values_list("amount", flat=True), Decimal(0))


def test_the_demo_grid_shows_exactly_one_missing_dispatch_month(demo):
    organ, period = demo
    committee = ChainCommittee.objects.get(org=organ)
    grid = services.cadence_grid(committee, period.start.year)
    assert len(grid.gap_labels) == 1 and grid.gap_labels[0].startswith("调度 ")
    assert ChainMeeting.objects.filter(committee=committee, kind="dispatch").count() == 11


def test_the_demo_pages_of_the_enterprise_app_open_for_the_bureau_admin(demo):
    user = User.objects.get(username="wgxlj_admin")
    user.must_change_password, user.password_changed_at = False, timezone.now()
    user.save()
    client = Client()
    client.force_login(user)
    year = default_year()
    for url in ["/enterprise/chain/", "/enterprise/chain-meetings/", "/enterprise/support/",
                "/enterprise/vouchers/", "/enterprise/meetings/", "/enterprise/support-kinds/",
                f"/enterprise/chain-cadence/?year={year}"]:
        assert client.get(url).status_code == 200, url
    for model_url, model in [("/enterprise/chain/", ChainCommittee),
                             ("/enterprise/support/", SupportRecord)]:
        pk = model.objects.filter(org__organ__code="wgxlj").first().pk
        assert client.get(f"{model_url}{pk}/").status_code == 200


def test_the_indicators_command_prints_amounts_exactly(demo):
    out = StringIO()
    call_command("indicators", "--org", "wgxlj", "--format", "json", "--prefix", "enterprise.",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert Decimal(data["enterprise.vouchers_amount"]["value"]) == Decimal("2900000.00")
    assert data["enterprise.chain_cadence_gaps"]["value"] == 1
