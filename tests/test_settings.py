"""Production is the default, and it refuses to run misconfigured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agreements.models import Mou, State

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SECRET_KEY": "x7#kP2!vQ9zL4mN8rT1wY6uB3eH5jC0aF-dG_sI2oK9pX4nM7qR1tV8yZ3bW6cE5",
    "DJANGO_ALLOWED_HOSTS": "mous.example.org",
}


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ALLOWED_HOSTS="mous.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_a_misspelt_yes_or_no_setting_stops_the_site_instead_of_meaning_no():
    result = manage("check", DJANGO_DEBUG="ture")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='ture' is not understood" in result.stderr


def test_yes_or_no_settings_accept_the_usual_words():
    for word in ["1", "true", "Yes", "on"]:
        assert manage("check", DJANGO_DEBUG=word).returncode == 0, word


@pytest.mark.django_db
def test_bootstrap_loads_the_articles_once_and_makes_one_login(settings, capsys):
    settings.DEBUG = True
    call_command("bootstrap")
    first = capsys.readouterr().out
    assert State.objects.count() == 36
    assert Mou.objects.count() >= 10
    assert "password:" in first
    call_command("bootstrap")
    second = capsys.readouterr().out
    assert "password:" not in second
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_bootstrap_never_creates_a_login_in_production(settings):
    settings.DEBUG = False
    call_command("bootstrap")
    assert not get_user_model().objects.exists()


def test_a_number_setting_that_is_not_a_whole_number_stops_the_site():
    for value in ["one", "-1", "1.5", "²"]:
        result = manage("check", DJANGO_DEBUG="1", DJANGO_TRUSTED_PROXY_COUNT=value)
        assert result.returncode != 0, value
        assert f"DJANGO_TRUSTED_PROXY_COUNT={value!r} is not understood" in result.stderr
    result = manage("check", DJANGO_DEBUG="1", DJANGO_LOGIN_COOLOFF_MINUTES="0")
    assert "use a whole number of at least 1" in result.stderr


@pytest.mark.django_db
def test_postgresql_runs_without_jit_compilation():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's JIT compiler")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
