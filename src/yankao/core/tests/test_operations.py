from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from yankao.agencies.models import Agency, User
from yankao.core.backup import backup, restore

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.django_db(transaction=True)
def test_backup_restore_round_trip(tmp_path, agencies):
    target = tmp_path / ("db.sqlite3" if connection.vendor == "sqlite" else "db.dump")
    backup(target)
    assert target.stat().st_size > 0
    Agency.objects.filter(code="397150000I").update(name_zh="改過的名字")
    Agency.objects.create(code="397999999A", name_zh="備份後新增", kind="first_level")
    restore(target)
    connection.close()
    assert Agency.objects.get(code="397150000I").name_zh == "高雄市政府環境保護局"
    assert not Agency.objects.filter(code="397999999A").exists()


@pytest.mark.django_db(transaction=True)
def test_backup_command_writes_file(tmp_path, capsys):
    target = tmp_path / "copy.bak"
    call_command("backup", str(target))
    assert "備份完成" in capsys.readouterr().out
    assert target.exists()


@pytest.mark.django_db
def test_demo_creates_a_login_per_role(capsys, settings):
    call_command("demo", "--quiet-progress")
    out = capsys.readouterr().out
    for username in (
        "admin",
        "rdec.case",
        "operator",
        "planner",
        "inspector",
        "pwb.officer",
        "pwb.chief",
        "viewer",
    ):
        assert username in out
        user = User.objects.get(username=username)
        assert user.check_password(settings.YANKAO_DEMO_PASSWORD)
        assert user.role_codes
    # Deterministic and idempotent: a second run adds nobody.
    count = User.objects.count()
    call_command("demo", "--quiet-progress")
    assert User.objects.count() == count
    call_command("demo", "--if-empty", "--quiet-progress")
    assert "略過" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_scale_multiplies_people():
    call_command("demo", "--quiet-progress", "--scale", "1")
    one = User.objects.count()
    call_command("demo", "--quiet-progress", "--scale", "2")
    agencies = (
        Agency.objects.exclude(kind="city").exclude(code="397220000A").filter(active=True).count()
    )
    assert User.objects.count() == one + agencies


def test_check_deploy_is_silent_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "YANKAO_ENV": "production",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-7f3k9",
        "ALLOWED_HOSTS": "yankao.example.gov.tw",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "yankao.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "yankao.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "?:" not in result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"YANKAO_ENV": "production", "DJANGO_SETTINGS_MODULE": "yankao.settings"})
    result = subprocess.run(
        [sys.executable, "-m", "yankao.manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
