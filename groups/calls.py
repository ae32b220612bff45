"""The built-in video call's signalling: who may call whom, and what a signal may carry.

Browsers send media to each other; the server only relays their offers, answers and ICE
candidates, and only between people of one group (and organisers observing it). Nothing here
is stored. A peer is named by the server, never by the client: "p<participant id>" for a member,
"o<user id>" for an organiser. Every relayed message names its sender."""

import re

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from groups.models import GroupMembership
from infrastructure.client_messages import ClientMessageInvalid
from sessions_app.models import Event

PEER = re.compile(r"[po][0-9]{1,12}")
# Every browser of a mesh call sends its video to every other: beyond eight people, phones and
# home connections give up (docs/benchmarks.md, bench/video_call.py). Organisers observing come
# on top.
MOST_IN_A_CALL = 8
MAX_SDP_CHARACTERS = 12_000
MAX_CANDIDATE_CHARACTERS = 1_000
MAX_MID_CHARACTERS = 64
MAX_FRAGMENT_CHARACTERS = 256
MAX_MLINE_INDEX = 64
SDP_CHARACTERS = re.compile(r"[\x20-\x7e\r\n]*")
TOKEN_CHARACTERS = re.compile(r"[\x20-\x7e]*")


def participant_peer(participant_id: int) -> str:
    return f"p{participant_id}"


def organiser_peer(user_id: int) -> str:
    return f"o{user_id}"


def clean_peer(value) -> str:
    if not isinstance(value, str) or not PEER.fullmatch(value):
        raise ClientMessageInvalid(_("Name the person to call by the id the call gave them."))
    return value


def _text(value, limit: int, allowed=TOKEN_CHARACTERS, *, optional: bool = False):
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > limit or not allowed.fullmatch(value):
        raise ClientMessageInvalid(_("That call signal is not one a browser sends."))
    return value


def clean_description(value) -> dict:
    """An offer or an answer: {"type": "offer"|"answer", "sdp": "v=0..."}."""
    if (
        not isinstance(value, dict)
        or set(value) != {"type", "sdp"}
        or value["type"] not in ("offer", "answer")
        or not isinstance(value["sdp"], str)
        or not value["sdp"].startswith("v=0")
    ):
        raise ClientMessageInvalid(_("That call signal is not one a browser sends."))
    return {"type": value["type"], "sdp": _text(value["sdp"], MAX_SDP_CHARACTERS, SDP_CHARACTERS)}


def clean_candidate(value) -> dict:
    """An ICE candidate as RTCIceCandidate.toJSON() gives it ("" ends the candidates)."""
    if not isinstance(value, dict) or not set(value) <= {"candidate", "sdpMid", "sdpMLineIndex", "usernameFragment"}:
        raise ClientMessageInvalid(_("That call signal is not one a browser sends."))
    index = value.get("sdpMLineIndex")
    if index is not None and (
        isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= MAX_MLINE_INDEX
    ):
        raise ClientMessageInvalid(_("That call signal is not one a browser sends."))
    return {
        "candidate": _text(value.get("candidate"), MAX_CANDIDATE_CHARACTERS),
        "sdpMid": _text(value.get("sdpMid"), MAX_MID_CHARACTERS, optional=True),
        "sdpMLineIndex": index,
        "usernameFragment": _text(value.get("usernameFragment"), MAX_FRAGMENT_CHARACTERS, optional=True),
    }


def call_signal_check(content: dict) -> dict:
    """A `call.signal` carries a target and exactly one of a description or a candidate."""
    if "to" not in content or ("description" in content) == ("candidate" in content):
        raise ClientMessageInvalid(_("A call signal names whom it is for and carries one description or candidate."))
    return content


def call_too_large(group_id: int) -> bool:
    """Whether the group has more members than a built-in call holds."""
    return GroupMembership.objects.filter(group_id=group_id).count() > MOST_IN_A_CALL


def call_member(*, group_id: int, participant_id: int):
    """The membership that lets a person into their group's call, or None."""
    return (
        GroupMembership.objects.select_related("participant")
        .filter(group_id=group_id, participant_id=participant_id)
        .first()
    )


def call_target_allowed(*, event_id: int, group_id: int, sender: str, target: str) -> bool:
    """May `sender` (in the call of group `group_id`) send to `target`? Both must be members of
    that group now, or the organiser peer an organiser of the event; nobody signals themselves."""
    if sender == target:
        return False
    members = {peer for peer in (sender, target) if peer.startswith("p")}
    ids = [int(peer[1:]) for peer in members]
    if GroupMembership.objects.filter(group_id=group_id, participant_id__in=ids).count() != len(ids):
        return False
    for peer in {sender, target} - members:
        user = get_user_model().objects.filter(pk=int(peer[1:]), is_active=True).first()
        if user is None or not Event.objects.organised_by(user).filter(pk=event_id).exists():
            return False
    return True
