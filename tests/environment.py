"""Loaded before Django's settings (`-p tests.environment` in pyproject.toml): the test run's own
secret key, since the product refuses to start with DEBUG off and no SECRET_KEY. Processes that
the tests start are given their keys explicitly."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 50)
