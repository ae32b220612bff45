"""The plenary's comparison sources, filled in by the apps above `results`.

The plenary screen compares an event's figures with other figures: reference datasets (stored in
`results`) or live ones that a higher app computes, such as a dialogue's results so far ("world
so far", registered by `dialogues` in its ``AppConfig.ready()``). `results` never imports those
apps: it asks this registry for the sources of an event, and a source gives its scopes and its
figures. A plenary choice of a source's scope is ``"<source name>|<scope key>"``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sessions_app.models import Event


@dataclass(frozen=True)
class ComparisonSource:
    """Live figures an event's plenary can be compared with.

    ``scopes(event)``: the scopes the organiser may choose, ``[{"key", "label", "sites_reported"}]``
    (empty when the source has nothing for the event). ``figures(event, scope_key, public=...)``:
    ``({(question code, option code): {"percent", "n"}}, scope or None)``, the scope being
    ``{"key", "label", "sites_reported"}``; ``public``: for a screen anyone may see, only what is
    published (the scope is None when nothing is)."""

    name: str
    scopes: Callable[[Event], list[dict]]
    figures: Callable[..., tuple[dict, dict | None]]


_SOURCES: dict[str, ComparisonSource] = {}


def comparison_source_register(source: ComparisonSource) -> None:
    """Add (or replace) a source, by its name; called from an app's ``ready()``."""
    _SOURCES[source.name] = source


def comparison_source(name: str) -> ComparisonSource | None:
    """The source of that name, or None when no app registered it."""
    return _SOURCES.get(name)


def comparison_sources() -> list[ComparisonSource]:
    """Every registered source, in the order they were registered."""
    return list(_SOURCES.values())


def comparison_scopes(event: Event) -> list[dict]:
    """The scopes of every source for an event, as plenary choices: ``[{"value", "label",
    "sites_reported"}]`` with ``value`` ``"<source name>|<scope key>"``."""
    return [
        {"value": f"{source.name}|{scope['key']}", "label": scope["label"], "sites_reported": scope["sites_reported"]}
        for source in comparison_sources()
        for scope in source.scopes(event)
    ]
