"""The list pages' weight at county scale: time, bytes and queries of the appeals, tasks and
people lists as the committee sees them (3,000 people, 360 orgs) — the pages whose person and
org pickers once wrote every option (now searched as you type). Each page's median and
spread of N runs beside a floor: the same SQL statements replayed bare, and the ratio.

    .venv/bin/python bench/pickers.py     (loads the county demo once into the database)
"""

from _setup import compare, load_county, repeat, replay, setup_django, statements

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

PAGES = ["/appeals/items/", "/tasks/items/", "/orgs/people/"]


def main():
    n = repeat(7)
    load_county()
    from mofan.accounts.models import User
    from mofan.orgs.models import Org, Person

    print(f"database: {connection.vendor}; orgs {Org.objects.count()}, "
          f"people {Person.objects.count()}; N={n}")
    User.objects.filter(username="gongwei").update(must_change_password=False,
                                                   password_changed_at=timezone.now())
    client = Client()
    client.force_login(User.objects.get(username="gongwei"))
    for url in PAGES:
        client.get(url)  # warm
        with statements() as sql:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

        def ours(url=url):
            assert client.get(url).status_code == 200

        compare(f"{url} (committee)", ours, replay(sql), n=n,
                floor_label=f"the same {len(sql)} SQL statements replayed",
                note=f"{len(response.content) / 1024:.0f} KB, "
                     f"{response.content.count(b'<option')} <option>")


if __name__ == "__main__":
    main()
