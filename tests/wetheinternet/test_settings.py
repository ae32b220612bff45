"""Settings read from the environment: strict yes/no values, no production without a secret key,
`check --deploy` clean with the example production values, and one deployment's prefixes."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from infrastructure.env import deployment_slug, envbool, envint, envnetworks

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "x" * 20 + uuid.uuid4().hex + "Q!z" * 10


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _settings(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    code = (
        "import django, os, json; os.environ['DJANGO_SETTINGS_MODULE']='wetheinternet.settings'; django.setup();"
        f"from django.conf import settings as s; print(json.dumps({expression}))"
    )
    return _run([sys.executable, "-c", code], env)


def _plain_env(**values: str) -> dict[str, str]:
    # The product's own settings module, not the test run's.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DEPLOYMENT_NAME", "DJANGO_SETTINGS_MODULE")
    }
    env.update(values)
    return env


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        (" Yes ", True),
        ("no", False),
        ("On", True),
        ("off", False),
        ("", True),  # empty = the default
        ("   ", True),
    ],
)
def test_envbool_reads_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert envbool("SOME_FLAG", True) is expected


def test_envbool_without_the_variable_gives_the_default(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert envbool("SOME_FLAG", False) is False
    assert envbool("SOME_FLAG", True) is True


@pytest.mark.parametrize("raw", ["ture", "2", "yes please", "enabled", "0n", "\u00e9", "y"])
def test_envbool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("HTTPS", raw)
    with pytest.raises(ImproperlyConfigured, match="HTTPS"):
        envbool("HTTPS", False)


def test_envint_refuses_words(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        envint("EMAIL_PORT", 25)


@pytest.mark.parametrize("raw", ["*", "proxy.example.org", "10.0.0.0/33", "127.0.0.1, *"])
def test_trusted_proxies_must_be_addresses_or_networks(monkeypatch, raw):
    monkeypatch.setenv("TRUSTED_PROXIES", raw)
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        envnetworks("TRUSTED_PROXIES")


def test_trusted_proxies_take_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, ::1,172.18.0.0/16")
    assert envnetworks("TRUSTED_PROXIES") == ["127.0.0.1", "::1", "172.18.0.0/16"]


def test_a_typo_in_https_stops_the_product_instead_of_turning_secure_cookies_off():
    completed = _settings(_plain_env(DEBUG="0", HTTPS="ture", SECRET_KEY=STRONG_KEY), "s.SESSION_COOKIE_SECURE")
    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr and "HTTPS='ture'" in completed.stderr
    completed = _settings(_plain_env(DEBUG="0", HTTPS="TRUE", SECRET_KEY=STRONG_KEY), "s.SESSION_COOKIE_SECURE")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) is True


@pytest.mark.parametrize("key", ["", "   "])
def test_production_refuses_to_start_without_a_secret_key(key):
    for command in (["manage.py", "check", "--deploy"], ["manage.py", "migrate", "--plan"]):
        completed = _run([sys.executable, *command], _plain_env(DEBUG="0", HTTPS="1", SECRET_KEY=key))
        assert completed.returncode != 0
        assert "ImproperlyConfigured: Set SECRET_KEY" in completed.stderr


def test_the_asgi_server_refuses_to_start_without_a_secret_key():
    code = "import wetheinternet.asgi"
    completed = _run([sys.executable, "-c", code], _plain_env(DEBUG="0", SECRET_KEY=""))
    assert completed.returncode != 0 and "Set SECRET_KEY" in completed.stderr


def test_development_runs_on_its_own_key():
    completed = _settings(_plain_env(DEBUG="1", SECRET_KEY=""), "s.SECRET_KEY")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout).startswith("django-insecure-")


def test_deploy_check_is_clean_with_the_production_values_of_env_example():
    values = _env_example()
    assert values["DEBUG"] == "0" and values["HTTPS"] == "1"
    values["SECRET_KEY"] = STRONG_KEY  # what the file asks the operator to do
    completed = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**_plain_env(), **values},
    )
    assert completed.returncode == 0, completed.stderr + completed.stdout
    assert "no issues" in completed.stdout


def test_prefixes_name_the_deployment():
    expression = (
        "[s.DEPLOYMENT_NAME, s.CHANNEL_LAYERS['default']['CONFIG']['prefix'], s.CACHES['default']['KEY_PREFIX'],"
        " s.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix']]"
    )
    redis = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    named = _settings(_plain_env(DEPLOYMENT_NAME="Paris 2026", **redis), expression)
    assert named.returncode == 0, named.stderr
    assert json.loads(named.stdout) == ["paris-2026", "wti-paris-2026", "wti-paris-2026", "wti-paris-2026:"]
    from_site = _settings(_plain_env(SITE_URL="https://dialogue.example.org", **redis), expression)
    assert json.loads(from_site.stdout)[0] == "dialogue.example.org"


def test_deployment_slug_keeps_keys_clean():
    assert deployment_slug("127.0.0.1:8000") == "127.0.0.1-8000"
    assert deployment_slug("::: \x00 ") == "default"
    assert len(deployment_slug("a" * 500)) == 60


def _layer_config(name: str) -> dict:
    completed = _settings(
        _plain_env(DEPLOYMENT_NAME=name, REDIS_URL=os.environ["REDIS_URL"]), "s.CHANNEL_LAYERS['default']"
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@pytest.mark.redis
@pytest.mark.asyncio
async def test_two_deployments_on_one_redis_never_see_each_others_broadcasts():
    import asyncio

    from channels.layers import BaseChannelLayer
    from django.utils.module_loading import import_string

    def layer(config: dict) -> BaseChannelLayer:
        return import_string(config["BACKEND"])(**config["CONFIG"])

    paris, lima = _layer_config(f"paris-{uuid.uuid4().hex[:6]}"), _layer_config(f"lima-{uuid.uuid4().hex[:6]}")
    assert paris["CONFIG"]["prefix"] != lima["CONFIG"]["prefix"]
    paris_sender, paris_screen, lima_screen = layer(paris), layer(paris), layer(lima)
    group = "event-1-plenary"  # both deployments have an event 1
    try:
        paris_channel = await paris_screen.new_channel()
        lima_channel = await lima_screen.new_channel()
        await paris_screen.group_add(group, paris_channel)
        await lima_screen.group_add(group, lima_channel)
        await asyncio.sleep(0.2)  # the subscriptions reach Redis
        await paris_sender.group_send(group, {"type": "stream.update", "payload": "paris only"})
        received = await asyncio.wait_for(paris_screen.receive(paris_channel), timeout=5)
        assert received["payload"] == "paris only"
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(lima_screen.receive(lima_channel), timeout=1)
    finally:
        for each in (paris_sender, paris_screen, lima_screen):
            await each.flush()
