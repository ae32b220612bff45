"""The product's settings for the test run (pyproject.toml's DJANGO_SETTINGS_MODULE), with the
run's own secret key: the product refuses to start with DEBUG off and no SECRET_KEY. Processes
that the tests start with DEBUG=0 are given their keys explicitly."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 50)

from wetheinternet.settings import *  # noqa: E402, F403
