"""The files under deploy/ that docs/deploy.md installs: every command they run exists
with the options they pass, and gunicorn accepts its configuration."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def manage_commands():
    """(unit, [argv after manage.py]) of every ExecStart/ExecStartPre that runs manage.py."""
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if re.match(r"^Exec\w*=", line) and "manage.py" in line:
                argv = shlex.split(line.split("=", 1)[1])
                yield unit.name, argv[argv.index("manage.py") + 1:]


def test_each_service_has_a_timer_or_an_install_section():
    for unit in UNITS:
        timer = unit.with_suffix(".timer")
        assert timer.exists() or "[Install]" in unit.read_text(), unit.name
    names = {u.name for u in UNITS}
    assert {"mofan-web.service", "mofan-worker.service", "mofan-backup.service",
            "mofan-audit-anchor.service"} <= names


@pytest.mark.parametrize(("unit", "argv"), list(manage_commands()),
                         ids=[f"{u}:{a[0]}" for u, a in manage_commands()])
def test_every_command_a_unit_runs_exists_and_accepts_its_options(unit, argv, settings):
    # The services run the project's task backend (tests run tasks at once instead).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    commands = get_commands()
    assert argv[0] in commands, f"{unit}: manage.py {argv[0]} 不存在"
    command = load_command_class(commands[argv[0]], argv[0])
    parser = command.create_parser("manage.py", argv[0])
    parser.parse_args(argv[1:])  # exits (fails) on an unknown option


def test_gunicorn_accepts_the_configuration(tmp_path):
    env = {**os.environ, "MOFAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "mofan.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c",
         str(DEPLOY / "gunicorn.conf.py"), "mofan.wsgi"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_nginx_never_serves_the_upload_folder_and_serves_static_from_collectstatic():
    conf = (DEPLOY / "nginx" / "mofan.conf").read_text()
    env = (DEPLOY / "mofan.env.example").read_text()
    static_root = re.search(r"^MOFAN_STATIC_ROOT=(.+)$", env, re.M)[1].rstrip("/")
    media_root = re.search(r"^MOFAN_MEDIA_ROOT=(.+)$", env, re.M)[1].rstrip("/")
    assert f"alias {static_root}/;" in conf
    assert media_root not in conf
    assert re.search(r"location /media/ \{\s*return 404;", conf)
    assert "X-Forwarded-Proto $scheme" in conf  # SECURE_PROXY_SSL_HEADER reads it
