"""Settings as production sees them: each case starts a fresh interpreter with its own environment."""

from __future__ import annotations

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.settings import _DEV_SECRET as DEV_SECRET

BASE_DIR = Path(settings.BASE_DIR)
# Variables of this test run that must not leak into the "production" process.
# Variables of this test run, not of the production environment being simulated.
_RUN_ONLY = (
    "DATABASE_URL",
    "REDIS_URL",
    "TESTING",
    "DEBUG",
    "SQLITE_TEST_NAME",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _RUN_ONLY}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    env.update(extra)
    return env


def run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own interpreter and manage.py, fixed arguments)
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def settings_as_json(env: dict[str, str], expression: str) -> object:
    script = f"import json, django; django.setup(); from django.conf import settings; print(json.dumps({expression}))"
    result = run_python(env, "-c", script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_with_a_production_environment(tmp_path):
    result = run_python(production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = run_python(env, "manage.py", "check")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_server_that_forgets_debug_and_the_secret_key_refuses_to_start(tmp_path):
    env = production_env(tmp_path)
    del env["DEBUG"]
    del env["SECRET_KEY"]

    result = run_python(env, "manage.py", "check")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "set DEBUG=1" in result.stderr


@pytest.mark.parametrize("secret", ["", "   "], ids=["empty", "blank"])
def test_production_refuses_an_empty_secret_key(tmp_path, secret):
    result = run_python(production_env(tmp_path, SECRET_KEY=secret), "manage.py", "check")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize("variable", ["SECRET_KEY", "JWT_SIGNING_KEY"])
def test_production_refuses_the_public_development_key(tmp_path, variable):
    env = production_env(tmp_path, **{variable: DEV_SECRET})
    del env["DEBUG"]  # forgetting DEBUG is no way around it

    result = run_python(env, "manage.py", "check")

    assert result.returncode != 0
    assert f"{variable} is the public development key" in result.stderr


def test_debug_is_off_when_the_environment_does_not_set_it(tmp_path):
    env = production_env(tmp_path)
    del env["DEBUG"]

    values = settings_as_json(env, "[settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT]")

    assert values == [False, True, True]


def test_an_empty_jwt_signing_key_falls_back_to_the_secret_key(tmp_path):
    env = production_env(tmp_path, JWT_SIGNING_KEY="")

    signing_key, secret_key = settings_as_json(env, '[settings.SIMPLE_JWT["SIGNING_KEY"], settings.SECRET_KEY]')

    assert signing_key == secret_key == env["SECRET_KEY"]


FORGED_TOKEN_PROBE = """
import json, django
django.setup()
from datetime import timedelta
import jwt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from autoagenda.accounts.models import User
from autoagenda.accounts.tokens import token_pair_for_login

call_command("migrate", verbosity=0)
user = User.objects.create_user("ana@example.com", "tornillo-llave-inglesa-42")
genuine = token_pair_for_login(user).access
claims = jwt.decode(genuine, options={"verify_signature": False})
claims["exp"] = int((timezone.now() + timedelta(days=365)).timestamp())  # a longer life, re-signed
forged = jwt.encode(claims, %(dev_secret)r, algorithm="HS256")
client = Client(HTTP_HOST="example.com")
answers = [
    client.get("/api/v1/me/", secure=True, HTTP_AUTHORIZATION=f"Bearer {token}").status_code
    for token in (genuine, forged)
]
print(json.dumps(answers))
"""


def test_a_production_server_refuses_a_token_signed_with_the_development_key(tmp_path):
    result = run_python(production_env(tmp_path), "-c", FORGED_TOKEN_PROBE % {"dev_secret": DEV_SECRET})

    assert result.returncode == 0, result.stderr
    genuine, forged = json.loads(result.stdout.strip().splitlines()[-1])
    assert genuine == 200
    assert forged == 401


def test_no_proxy_is_trusted_unless_behind_tls_proxy_names_one(tmp_path):
    env = production_env(tmp_path)
    env.pop("BEHIND_TLS_PROXY", None)

    assert settings_as_json(env, "[settings.TRUSTED_PROXIES, settings.SECURE_PROXY_SSL_HEADER]") == [[], None]


@pytest.mark.parametrize(
    ("behind_tls_proxy", "forwarded_allow_ips", "trusted"),
    [
        pytest.param("10.0.0.0/8,::1", None, ["10.0.0.0/8", "::1/128"], id="addresses"),
        pytest.param("1", None, ["127.0.0.1/32", "::1/128"], id="old-bool-local-proxy"),
        pytest.param("1", "*", ["*"], id="old-bool-platform-router"),
    ],
)
def test_behind_tls_proxy_names_the_trusted_proxies(tmp_path, behind_tls_proxy, forwarded_allow_ips, trusted):
    env = production_env(tmp_path, BEHIND_TLS_PROXY=behind_tls_proxy)
    env.pop("FORWARDED_ALLOW_IPS", None)
    if forwarded_allow_ips is not None:
        env["FORWARDED_ALLOW_IPS"] = forwarded_allow_ips

    values = settings_as_json(env, "[settings.TRUSTED_PROXIES, settings.SECURE_PROXY_SSL_HEADER]")

    assert values == [trusted, ["HTTP_X_FORWARDED_PROTO", "https"]]


def test_a_behind_tls_proxy_that_is_not_an_address_refuses_to_start(tmp_path):
    result = run_python(production_env(tmp_path, BEHIND_TLS_PROXY="nginx"), "manage.py", "check")

    assert result.returncode != 0
    assert "BEHIND_TLS_PROXY: 'nginx' is not an IP address or network" in result.stderr


def test_production_cookies_and_redirects_are_secure(tmp_path):
    values = settings_as_json(
        production_env(tmp_path),
        "[settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT,"
        " settings.SECURE_HSTS_SECONDS]",
    )

    assert values == [False, True, True, True, 31536000]


def test_a_postgres_database_url_selects_postgresql(tmp_path):
    env = production_env(tmp_path, DATABASE_URL="postgres://workshop:secret@db.internal:5432/autoagenda")

    database = settings_as_json(env, 'settings.DATABASES["default"]')

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["HOST"], database["PORT"], database["USER"]) == (
        "autoagenda",
        "db.internal",
        5432,
        "workshop",
    )
    assert database["CONN_MAX_AGE"] == 0  # closed after each request: safe under ASGI
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "transaction_mode" not in database.get("OPTIONS", {})


def test_redis_url_switches_cache_and_channel_layer_to_redis(tmp_path):
    env = production_env(tmp_path, REDIS_URL="redis://cache.internal:6379/0")

    backends = settings_as_json(
        env, '[settings.CACHES["default"]["BACKEND"], settings.CHANNEL_LAYERS["default"]["BACKEND"]]'
    )

    assert backends == ["django.core.cache.backends.redis.RedisCache", "channels_redis.core.RedisChannelLayer"]


SQLITE_PROBE = """
import json, sqlite3, django
django.setup()
from django.db import connection, transaction
from django.conf import settings

with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA foreign_keys")
    foreign_keys = cursor.fetchone()[0]
# IMMEDIATE takes the write lock at BEGIN: another writer is refused at once,
# before this transaction has written anything.
with transaction.atomic():
    other = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        locked = False
        other.rollback()
    except sqlite3.OperationalError:
        locked = True
    finally:
        other.close()
print(json.dumps({"journal": journal, "foreign_keys": foreign_keys, "locked_at_begin": locked,
                  "options": settings.DATABASES["default"]["OPTIONS"]}))
"""


def test_sqlite_runs_in_wal_with_immediate_transactions(tmp_path):
    env = production_env(tmp_path, DEBUG="1")
    del env["DATABASE_URL"]
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"

    result = run_python(env, "-c", SQLITE_PROBE)

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["journal"] == "wal"
    assert probe["foreign_keys"] == 1
    assert probe["options"]["transaction_mode"] == "IMMEDIATE"
    assert probe["options"]["timeout"] == 20
    assert probe["locked_at_begin"] is True


def test_the_embedded_default_is_a_sqlite_file_under_var(tmp_path):
    env = production_env(tmp_path, DEBUG="1")
    del env["DATABASE_URL"]
    del env["SECRET_KEY"]

    database = settings_as_json(env, 'settings.DATABASES["default"]')

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(BASE_DIR / "var" / "autoagenda.sqlite3")


def settings_variables() -> set[str]:
    source = (BASE_DIR / "config" / "settings.py").read_text()
    return set(re.findall(r"\benv(?:\.[a-z_]+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", source))


def env_example_values() -> dict[str, str]:
    """The first `# NAME=value` line of each variable in .env.example."""
    values: dict[str, str] = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        match = re.match(r"^#\s*([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match:
            values.setdefault(match.group(1), match.group(2))
    return values


def test_every_setting_read_from_the_environment_is_documented():
    variables = settings_variables()
    documented = (BASE_DIR / "docs" / "configuration.md").read_text()

    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= variables
    assert sorted(v for v in variables if f"`{v}`" not in documented) == []
    assert sorted(variables - set(env_example_values())) == []
    assert "DEMO_PASSWORD" in env_example_values()
    assert "`DEMO_PASSWORD`" in documented


def test_the_env_example_values_make_valid_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in _RUN_ONLY}
    example = env_example_values()
    env.update({name: value.strip('"') for name, value in example.items() if name in settings_variables()})
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"

    values = settings_as_json(env, '[settings.DATABASES["default"]["ENGINE"], settings.EMAIL_BACKEND, settings.DEBUG]')

    assert values == [
        "django.db.backends.postgresql",
        "django.core.mail.backends.smtp.EmailBackend",
        True,
    ]


def test_each_pytest_worker_gets_its_own_redis_database_and_hands_it_to_its_subprocesses(monkeypatch):
    from config.settings import _redis_of_test_worker

    monkeypatch.setenv("REDIS_URL", os.environ.get("REDIS_URL", ""))  # restored after the test
    monkeypatch.setenv("REDIS_URL_BASE", "")
    monkeypatch.delenv("REDIS_URL_BASE")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert _redis_of_test_worker("redis://127.0.0.1:6379/15") == "redis://127.0.0.1:6379/14"
    assert os.environ["REDIS_URL"] == "redis://127.0.0.1:6379/14"
    # A server the test starts inherits both variables and lands on the same database, not one further down.
    assert _redis_of_test_worker(os.environ["REDIS_URL"]) == "redis://127.0.0.1:6379/14"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.delenv("REDIS_URL_BASE")
    assert _redis_of_test_worker("redis://127.0.0.1:6379/15") == "redis://127.0.0.1:6379/15"
    assert _redis_of_test_worker("") == ""
