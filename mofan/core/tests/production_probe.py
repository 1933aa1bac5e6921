"""Run in a subprocess with MOFAN_ENV=production (tests/test_security_spec.py): migrate a
throwaway database, collect the static files as a deployment does, log in over "HTTPS" and
print what the browser would receive, as JSON."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from mofan.accounts.models import User  # noqa: E402
from mofan.core import scoping  # noqa: E402
from mofan.orgs.models import Org  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
call_command("collectstatic", verbosity=0, interactive=False)
org = Org.objects.create(name="探针工委", code="probe", kind=Org.COMMITTEE)
user = User(username="probe", role=scoping.COMMITTEE, org=org, must_change_password=False,
            password_changed_at=timezone.now())
user.set_password("Probe-Pass-2025!")
user.save()

host = os.environ["ALLOWED_HOSTS"].split(",")[0]
client = Client(HTTP_HOST=host)
plain = client.get("/accounts/login/")  # over http: redirected to https
login_page = client.get("/accounts/login/", secure=True)
logged_in = client.post("/accounts/login/", {"username": "probe", "password": "Probe-Pass-2025!"},
                        secure=True)
home = client.get("/", secure=True)


def cookies(response):
    return {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                   "samesite": m["samesite"]} for name, m in response.cookies.items()}


print(json.dumps({
    "plain": {"status": plain.status_code, "location": plain.get("Location", "")},
    "login": {"status": login_page.status_code, "headers": dict(login_page.headers),
              "cookies": cookies(login_page), "body": login_page.content.decode()},
    "logged_in": {"status": logged_in.status_code, "cookies": cookies(logged_in)},
    "home": {"status": home.status_code, "headers": dict(home.headers)},
}))
