"""The plenary's comparison sources: a registry in `results` that the apps above it fill in."""

import pytest

from results import comparisons
from results.comparisons import ComparisonSource, comparison_scopes, comparison_source, comparison_source_register
from results.plenary_selectors import WORLD


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(comparisons, "_SOURCES", {})
    return comparisons._SOURCES


def test_a_source_gives_its_scopes_as_plenary_choices(registry):
    scopes = [{"key": "global", "label": "The world", "sites_reported": 3}]
    comparison_source_register(ComparisonSource(name="census", scopes=lambda event: scopes, figures=None))
    assert comparison_source("census").name == "census"
    assert comparison_source("nothing") is None
    assert comparison_scopes(event=None) == [{"value": "census|global", "label": "The world", "sites_reported": 3}]


def test_no_source_no_choice(registry):
    assert comparison_scopes(event=None) == []


def test_dialogues_registers_the_world_so_far():
    from dialogues.results import world_figures, world_scopes

    source = comparison_source(WORLD)
    assert source is not None and source.scopes is world_scopes and source.figures is world_figures
