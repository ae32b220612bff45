from tests.groups.conftest import grouped, phases  # noqa: F401 - the streams' tests use the groups' fixtures
