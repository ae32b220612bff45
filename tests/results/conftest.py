"""Results fixtures: the demo questionnaire of the event."""

import pytest

from tests.factories import make_questionnaire


@pytest.fixture
def session(event):
    return make_questionnaire(event)
