"""The dialogue's global results: every event's session tallies merged by question code, live.

Events share the questionnaire of the dialogue's published version; their results are keyed by
session, question and option codes, so they add up whatever language each event ran in. Figures
are given for every scope: the whole world, each continent, each country and each tag (a custom
grouping of events), pooled (every answer counts the same) or one site, one vote (the mean of the
sites' own pooled percentages). A figure with fewer answering units than the dialogue's
``min_respondents`` (people for individual questions, groups for group questions) is suppressed:
only the fact that it is suppressed is shown, never its N or its counts. So that a suppressed
figure cannot be worked out by subtraction (the world minus the other countries, a country
minus a tag within it), figures that would reveal it are suppressed as well. That arithmetic
(merging, figures per scope, suppression) is in ``results.merging``; this module chooses which
events are merged and where, reads their tallies and caches the snapshot. The public figures
use each site's figures as last released, in steps of at least the threshold
(``dialogues.publication``), so that comparing two moments reveals no single group either
(docs/privacy.md). Individual answers and group texts never leave their
event: only tallies are read here.

The snapshot takes a constant number of queries (4, whatever the number of events and groups;
the public one 1 more, and a few more when a step is released) and is cached; a cached copy
older than ``FRESH_SECONDS`` is rebuilt by one request at a time while the others are served
the previous copy.
"""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogues.models import Dialogue, DialoguePartner
from dialogues.publication import released_tallies
from groups.models import BreakoutGroup
from infrastructure.caching import cached_fresh
from results.answers import OPEN, RANKING, QuestionSpec
from results.merging import GLOBAL, question_scope_figures, sites_answering
from results.models import SessionTally
from results.selectors import session_question_specs
from results.tallies import tally_counted_by_current_rules, tally_refresh
from sessions_app.models import Event

FRESH_SECONDS = 2.0


def version_sessions(questionnaire: dict) -> list[dict]:
    """The published questionnaire as ``[{"code", "title", "questions": [QuestionSpec]}]``."""
    sessions = []
    for session in sorted(questionnaire.get("sessions", []), key=lambda s: s.get("order", 0)):
        specs = []
        for question in sorted(session.get("questions", []), key=lambda q: q.get("order", 0)):
            options = sorted(question.get("options", []), key=lambda o: o.get("order", 0))
            specs.append(
                QuestionSpec(
                    code=question["code"],
                    kind=question["kind"],
                    respondent=question.get("respondent", "individual"),
                    max_choices=question.get("max_choices"),
                    text=question.get("text", ""),
                    options=tuple(o["code"] for o in options),
                    option_labels=tuple(o.get("label", o["code"]) for o in options),
                )
            )
        sessions.append({"code": session["code"], "title": session.get("title", ""), "questions": specs})
    return sessions


def scope_keys(event: dict) -> list[str]:
    """The scopes an event counts in: the world, its continent, its country and its tags."""
    keys = [GLOBAL]
    if event["continent"]:
        keys.append(f"continent:{event['continent']}")
    if event["country"]:
        keys.append(f"country:{event['country']}")
    keys.extend(f"tag:{tag}" for tag in event["tags"])
    return keys


def scope_label(key: str) -> str:
    if key == GLOBAL:
        return _("The world")
    kind, _sep, name = key.partition(":")
    if kind == "continent":
        return str(dict(Event.Continent.choices).get(name, name))
    return name


def _events(dialogue: Dialogue, public: bool) -> list[dict]:
    opted_in = DialoguePartner.objects.filter(
        dialogue=dialogue, organisation=OuterRef("organisation"), results_public=True
    )
    rows = (
        Event.objects.filter(dialogue=dialogue)
        .annotate(public=Exists(opted_in))
        .order_by("starts_at", "pk")
        .values("pk", "slug", "title", "country", "continent", "tags", "starts_at", "organisation__name", "public")
    )
    events = []
    for row in rows:
        if public and not row["public"]:
            continue
        row["tags"] = [tag.strip() for tag in row["tags"].split(",") if tag.strip()]
        events.append(row)
    return events


def _tallies(dialogue: Dialogue, event_ids: set[int]) -> dict[int, dict[str, tuple]]:
    """Each event's current tallies by session code: ``{event_id: {code: (tally, updated_at)}}``."""
    rows = SessionTally.objects.filter(
        session__event__dialogue=dialogue, allocation__is_current=True, session__event_id__in=event_ids
    ).values_list(
        "session__event_id", "session__code", "session_id", "allocation_id", "questions_key", "data", "updated_at"
    )
    found: dict[int, dict[str, tuple]] = defaultdict(dict)
    for event_id, code, session_id, allocation_id, key, data, updated_at in rows:
        # Results changed outside a submission, or counted by older rules: count this session again (rare).
        if not tally_counted_by_current_rules(key, data):
            data = tally_refresh(session_id, allocation_id, session_question_specs(session_id))
        found[event_id][code] = (data, updated_at)
    return found


def global_snapshot(dialogue: Dialogue, *, public: bool = False) -> dict:
    """The dialogue's live global results (see the module docstring), as plain JSON.

    ``public``: only the events of partners who opted in to the public page.

    Shape: ``{"dialogue", "title", "version", "weighting", "min_respondents", "generated_at",
    "sites_total", "sites_reported", "sites": [{"event", "title", "organisation", "country",
    "continent", "tags", "groups_total", "groups_submitted", "last_submission"}], "scopes":
    [{"key", "kind", "label", "sites", "sites_reported"}], "sessions": [{"code", "title",
    "questions": [{"code", "kind", "respondent", "text", "measure", "options": [{"code",
    "label"}], "figures": {scope key: {"suppressed"?, "n", "groups", "sites", "percent": [...],
    "count": [...], "mean"?}}}]}]}``. ``percent`` and ``count`` follow the options' order; for
    rankings they are the share and number of groups ranking the option first.
    """
    version = dialogue.latest_version()
    sessions = version_sessions(version.questionnaire) if version else []
    events = _events(dialogue, public)
    groups_total = dict(
        BreakoutGroup.objects.filter(event__dialogue=dialogue, allocation__is_current=True)
        .values_list("event_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    tallies = live = _tallies(dialogue, {event["pk"] for event in events})
    if public:  # never the live figures: each site's as last released, in steps of the threshold
        tallies = released_tallies(dialogue, [event["pk"] for event in events], live, sessions)
    scopes: dict[str, dict] = {}
    sites = []
    for event in events:
        own = tallies.get(event["pk"], {})
        submitted = max((tally.get("groups", 0) for tally, _at in own.values()), default=0)
        last = max((at for _tally, at in own.values() if _tally.get("groups")), default=None)
        sites.append(
            {
                "event": event["slug"],
                "title": event["title"],
                "organisation": event["organisation__name"],
                "country": event["country"],
                "continent": event["continent"],
                "tags": event["tags"],
                "groups_total": groups_total.get(event["pk"], 0),
                "groups_submitted": submitted,
                "last_submission": last.isoformat() if last else None,
            }
        )
        for key in scope_keys(event):
            scope = scopes.setdefault(key, {"key": key, "events": [], "sites": 0, "sites_reported": 0})
            scope["events"].append(event["pk"])
            scope["sites"] += 1
            scope["sites_reported"] += 1 if submitted else 0
    site_scopes = {event["pk"]: scope_keys(event) for event in events}
    result_sessions = []
    for session in sessions:
        questions = []
        for spec in session["questions"]:
            if spec.kind == OPEN:
                continue
            by_event = {
                event_id: own[session["code"]][0]["questions"].get(spec.code, {})
                for event_id, own in tallies.items()
                if session["code"] in own
            }
            figures = question_scope_figures(
                spec,
                by_event,
                {key: scope["events"] for key, scope in scopes.items()},
                site_scopes,
                sites_equal=dialogue.weighting == Dialogue.Weighting.SITES_EQUAL,
                minimum=dialogue.min_respondents,
                # a figure not (yet) released still says whether any site answered at all
                answered=sites_answering(live, session["code"], spec.code) if public else None,
            )
            questions.append(
                {
                    "code": spec.code,
                    "kind": spec.kind,
                    "respondent": spec.respondent,
                    "text": spec.text,
                    "measure": "ranked_first" if spec.kind == RANKING else "share",
                    "options": [
                        {"code": code, "label": label}
                        for code, label in zip(spec.options, spec.option_labels, strict=True)
                    ],
                    "figures": figures,
                }
            )
        result_sessions.append({"code": session["code"], "title": session["title"], "questions": questions})
    order = {"global": 0, "continent": 1, "country": 2, "tag": 3}
    scope_list = sorted(
        (
            {
                "key": key,
                "kind": key.partition(":")[0],
                "label": scope_label(key),
                "sites": scope["sites"],
                "sites_reported": scope["sites_reported"],
            }
            for key, scope in scopes.items()
        ),
        key=lambda s: (order.get(s["kind"], 9), s["label"].lower()),
    )
    return {
        "dialogue": dialogue.slug,
        "title": str(dialogue),
        "version": version.number if version else None,
        "weighting": dialogue.weighting,
        "min_respondents": dialogue.min_respondents,
        "public": public,
        "generated_at": timezone.now().isoformat(),
        "sites_total": len(sites),
        "sites_reported": sum(1 for site in sites if site["groups_submitted"]),
        "sites": sites,
        "scopes": scope_list,
        "sessions": result_sessions,
    }


def cached_global_snapshot(dialogue: Dialogue, *, public: bool = False) -> dict:
    """The snapshot from the cache, rebuilt when older than FRESH_SECONDS by one caller at a time.

    Others are served the previous copy meanwhile; with no copy at all, everyone builds."""
    key = f"dialogues:global:{dialogue.pk}:{int(public)}:{dialogue.weighting}:{dialogue.min_respondents}"
    return cached_fresh(key, lambda: global_snapshot(dialogue, public=public), fresh=FRESH_SECONDS)


def world_figures(event: Event, scope_key: str, *, public: bool = False) -> tuple[dict, dict | None]:
    """An event's "world so far" comparison: ``{(question, option): {"percent", "n"}}`` for the
    scope, and the scope's description, from the dialogue's cached global results.

    ``public``: for a screen anyone may see (the anonymous plenary): only the public results,
    that is the released figures of the sites that opted in, and nothing unless the dialogue's
    results are public; the scope is None when it has no public figures."""
    if event.dialogue_id is None:
        return {}, None
    dialogue = event.dialogue
    if public and not dialogue.public:
        return {}, None
    snapshot = cached_global_snapshot(dialogue, public=public)
    scope = next((s for s in snapshot["scopes"] if s["key"] == scope_key), None)
    if scope is not None:  # the cached snapshot's labels are in the language of whoever built it
        scope = {**scope, "label": scope_label(scope_key)}
    figures = {}
    for session in snapshot["sessions"]:
        for question in session["questions"]:
            found = question["figures"].get(scope_key)
            if not found or found.get("suppressed"):
                continue
            for option, percent in zip(question["options"], found["percent"], strict=True):
                if percent is not None:
                    figures[(question["code"], option["code"])] = {"percent": percent, "n": found["n"]}
    return figures, scope


def world_scopes(event: Event) -> list[dict]:
    """For an event of a dialogue: the scopes of the dialogue's results so far, to compare with,
    ``[{"key", "label", "sites_reported"}]`` (the plenary's "world" comparison source)."""
    if event.dialogue_id is None:
        return []
    snapshot = cached_global_snapshot(event.dialogue)
    return [
        {"key": scope["key"], "label": scope_label(scope["key"]), "sites_reported": scope["sites_reported"]}
        for scope in snapshot["scopes"]
    ]
