"""SITE_URL: set, or derived from the HOST and PORT the server listens on."""

import subprocess
import sys

import pytest

from infrastructure.env import site_url


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8311"}, "http://127.0.0.1:8311"),
        ({"HOST": "localhost", "PORT": "8311"}, "http://localhost:8311"),
        ({"HOST": "0.0.0.0", "PORT": "9000"}, "http://127.0.0.1:9000"),  # noqa: S104
        ({"HOST": "::1", "PORT": "9000"}, "http://[::1]:9000"),
        ({"HOST": "", "PORT": ""}, "http://127.0.0.1:8000"),
        ({"SITE_URL": "https://dialogue.example.org/", "PORT": "8311"}, "https://dialogue.example.org"),
    ],
)
def test_site_url(environ, expected):
    assert site_url(environ) == expected


def test_settings_derive_it_from_port():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    env = {"DJANGO_SETTINGS_MODULE": "wetheinternet.settings", "PORT": "8311", "PATH": "/usr/bin:/bin", "DEBUG": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=".")
    assert out.stdout.strip() == "http://127.0.0.1:8311"


def test_make_demo_passes_host_and_port_to_the_demo_command():
    with open("Makefile") as fh:
        makefile = fh.read()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "PORT=$(PORT)" in demo.split("demo_event", 1)[0].rsplit("\n", 1)[1]
