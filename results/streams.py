"""The results' stream: the plenary screens' channel groups and their updates, coalesced.

Its main payload is the plenary's snapshot (`plenary.snapshot`, built by results.selectors), whose
`version` is PlenarySettings.version: a screen keeps only the newest. The presenter's commands
go out at once (`plenary.presenter` to the screens, `plenary.slide` to the participants' phones),
versioned by PlenarySettings.present_version.

A burst of submissions causes a few broadcasts, not one each.

A change marks the event "pending" in the cache and schedules one broadcast: at once if the last
broadcast is older than MIN_INTERVAL, else when that interval is over (Celery countdown), so a
lone submission shows within a fraction of a second and a burst gives a few broadcasts a second.
Changes while one is pending only ride along. The broadcast clears the mark *before* it reads
the database, so a change committed after the read schedules another: the last broadcast always
reflects every submission.
"""

import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from groups.streams import participants_hint
from infrastructure.broadcast import send_on_commit
from infrastructure.resilience import best_effort
from infrastructure.tasks import task_named

ANONYMOUS, STAFF = "anonymous", "staff"


def plenary_group_name(event_id: int, audience: str = "") -> str:
    """Every screen of the event; with ``audience``, only those of anyone with the link
    (ANONYMOUS) or only those of the event's signed-in organisers (STAFF), who also see a
    comparison with sites that did not opt in to publication. A screen joins the first and its
    audience's: a payload that is the same for all is sent once."""
    return f"plenary.{event_id}.{audience}" if audience else f"plenary.{event_id}"


def plenary_group_names(event_id: int, *, staff: bool) -> list[str]:
    return [plenary_group_name(event_id), plenary_group_name(event_id, STAFF if staff else ANONYMOUS)]


MIN_INTERVAL = 0.25
# If a scheduled broadcast is lost (a worker died), the next change schedules again after this.
PENDING_TIMEOUT = 10
BROADCAST_TASK = "results.plenary_broadcast"  # results.tasks.plenary_broadcast_task


def _pending_key(event_id: int) -> str:
    return f"results:plenary-pending:{event_id}"


def plenary_changed(event_id: int) -> None:
    """Something the plenary shows changed: schedule a (coalesced) broadcast once committed."""
    transaction.on_commit(lambda: _schedule(event_id))


def _last_key(event_id: int) -> str:
    return f"results:plenary-last:{event_id}"


def _schedule(event_id: int) -> None:
    with best_effort("plenary broadcast"):
        if cache.add(_pending_key(event_id), 1, timeout=PENDING_TIMEOUT):
            last = cache.get(_last_key(event_id)) or 0.0
            delay = max(0.0, last + MIN_INTERVAL - time.time())
            task_named(BROADCAST_TASK).apply_async((event_id,), countdown=round(delay, 3))


def plenary_broadcast(*, event_id: int) -> dict | None:
    """Recompute the plenary once, with a new version, and send it to the screens."""
    from results.models import PlenarySettings
    from results.plenary_selectors import plenary_snapshot
    from sessions_app.models import Event

    with best_effort("plenary broadcast bookkeeping"):
        cache.delete(_pending_key(event_id))
        cache.set(_last_key(event_id), time.time(), timeout=PENDING_TIMEOUT)
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return None
    settings_, _created = PlenarySettings.objects.get_or_create(event=event)
    PlenarySettings.objects.filter(pk=settings_.pk).update(version=F("version") + 1)
    snapshot = plenary_snapshot(event)
    if event.dialogue_id is not None and settings_.world_scope:
        # The organisers' screens compare with the dialogue's live results, the others' only
        # with its public ones (if any): two payloads.
        send_on_commit(plenary_group_name(event_id, ANONYMOUS), snapshot)
        send_on_commit(plenary_group_name(event_id, STAFF), plenary_snapshot(event, staff=True))
    else:
        send_on_commit(plenary_group_name(event_id), snapshot)
    return snapshot


PRESENTER = "plenary.presenter"
SLIDE = "plenary.slide"


def presentation_changed(*, event_id: int, state: dict, slide_html: Callable[[], dict[str, str]]) -> None:
    """The presenter state changed (the slide, a question's figures, the group on screen): every
    screen of the event hears it once committed, at once (no coalescing: it is one small payload
    per click of the organiser). ``state`` is results.presentation_state.presentation_state.

    The participants' phones hear the new slide itself (`plenary.slide`, once committed): its
    "On the screen now" box as HTML in each of the product's languages, drawn once for the whole
    room, so that hundreds of phones show it without asking the server anything (each marks its
    own group's card); a phone whose language is not among them fetches it. ``slide_html()``
    draws it (results.presentation_selectors.slide_html), read after the commit."""
    send_on_commit(plenary_group_name(event_id), {"type": PRESENTER, **state})

    def send_slide():
        with best_effort("the phones' slide"):
            participants_hint(event_id, {"type": SLIDE, "version": state["version"], "html": slide_html()})

    transaction.on_commit(send_slide)
