"""Evaluation (考评) benchmark on the county scale (issue 12): scoring every organ under
the demo year's published criteria, beside a floor measured in the same run — the
indicator queries alone (``indicators.table`` for the criteria's indicators, the same
organs and year) — and the ratio. Median and spread (min–max) of N runs.

    .venv/bin/python bench/evaluation.py [--runs 9]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mofan_bench .venv/bin/python bench/evaluation.py

Also times the committee's ranking page (what a user waits for: the same evaluation plus
rendering) beside the same SQL statements replayed bare. Not a test: run it by hand or
with ``make bench``.
"""

import argparse

from _setup import YEAR, compare, load_county, repeat, replay, setup_django, statements

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=repeat(9))
    args = parser.parse_args()
    load_county()
    from mofan.accounts.models import User
    from mofan.core import indicators
    from mofan.core.scoping import COMMITTEE
    from mofan.evaluation import services
    from mofan.evaluation.models import CriteriaItem
    from mofan.orgs.models import Org

    committee = Org.objects.get(kind=Org.COMMITTEE, parent=None)
    cset = services.current_set(committee, YEAR)
    organs = list(Org.objects.filter(kind=Org.ORGAN).order_by("sort", "id"))
    ids = [o.pk for o in organs]
    keys = list(dict.fromkeys(CriteriaItem.objects.filter(group__criteria_set=cset)
                              .exclude(method=CriteriaItem.MANUAL)
                              .values_list("indicator", flat=True)))
    period = indicators.Period.year(YEAR)
    print(f"{len(organs)} organs, criteria {cset} with {len(keys)} indicators, "
          f"{connection.vendor}, {args.runs} runs")

    def ours():
        services.evaluate(cset, organs)

    def floor():
        indicators.table(ids, period, keys)

    ours(), floor()  # warm caches (and the registry's imports) before timing
    compare("evaluate all organs", ours, floor, n=args.runs,
            floor_label=f"indicators.table of the criteria's {len(keys)} indicators alone")

    # The demo's accounts must change their one-time password first; the bench's copy of
    # the committee account skips that (this database is the bench's own).
    from django.utils import timezone

    user = User.objects.filter(role=COMMITTEE).first()
    User.objects.filter(pk=user.pk).update(must_change_password=False,
                                           password_changed_at=timezone.now())
    # As Django's test client does: keep the connection open across requests, so the
    # query count below sees the page's queries.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = f"/evaluation/ranking/?set={cset.pk}"
    assert client.get(url).status_code == 200
    with statements() as sql:
        assert client.get(url).status_code == 200

    def page():
        assert client.get(url).status_code == 200

    compare("ranking page (evaluate + render)", page, replay(sql), n=args.runs,
            floor_label=f"the same {len(sql)} SQL statements replayed")
    scores = services.evaluate(cset, organs)
    print(f"top: {scores[0].organ.name} {scores[0].total}; bottom: {scores[-1].organ.name} "
          f"{scores[-1].total}")


if __name__ == "__main__":
    main()
