"""What a websocket client may send, checked before any handler sees it.

A message is UTF-8 JSON text of at most 4 kB: an object with a known `type`, only the fields
that type names, nested at most a few levels, its strings free of NUL and lone surrogates, its
numbers finite and of a sane size. Anything else raises ClientMessageInvalid with a message
for the sender; the connection carries on."""

import json
import re
from collections.abc import Callable

from django.utils.translation import gettext as _

MAX_MESSAGE_BYTES = 4096
MAX_LARGE_MESSAGE_BYTES = 16384  # a call's session description (SDP) is often 4 to 8 kB
MAX_DEPTH = 4  # {"type": ..., "field": {"a": [1]}} is already deeper than any message needs
MAX_NUMBER = 2**53  # what a browser's JSON can carry exactly
FORBIDDEN_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
SHOWN_TYPE_LENGTH = 40


class ClientMessageInvalid(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _refuse_constant(name: str):
    raise ClientMessageInvalid(_("Numbers must be finite (%(name)s is not).") % {"name": name})


def _check_values(content) -> None:
    """Depth, strings and numbers of every value, without recursion."""
    pending = [(content, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ClientMessageInvalid(
                    _("That message is nested too deeply (at most %(depth)s levels).") % {"depth": MAX_DEPTH}
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    pending.append((key, depth))
                pending.append((item, depth + 1))
        elif isinstance(value, str):
            if FORBIDDEN_CHARACTERS.search(value):
                raise ClientMessageInvalid(_("That message contains a NUL character or a lone surrogate."))
        elif isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            raise ClientMessageInvalid(_("That message contains a number too large to use."))


def client_message_parse(
    text_data, accepted: dict[str, dict[str, Callable]], *, large_types: frozenset[str] = frozenset()
) -> dict:
    """The message as a dict, or ClientMessageInvalid.

    `accepted` maps each message type to its fields other than `type`, each with a function
    that returns the field's clean value or raises ClientMessageInvalid. Messages are at most
    4 kB, those of `large_types` at most 16 kB."""
    too_big = _("Send JSON text messages of at most 4 kB.")
    limit = MAX_LARGE_MESSAGE_BYTES if large_types else MAX_MESSAGE_BYTES
    if not isinstance(text_data, str) or len(text_data) > limit:
        raise ClientMessageInvalid(too_big)
    try:
        size = len(text_data.encode("utf-8"))
    except UnicodeEncodeError:
        raise ClientMessageInvalid(_("That message contains a NUL character or a lone surrogate.")) from None
    if size > limit:
        raise ClientMessageInvalid(too_big)
    try:
        content = json.loads(text_data, parse_constant=_refuse_constant)
    except RecursionError:
        raise ClientMessageInvalid(
            _("That message is nested too deeply (at most %(depth)s levels).") % {"depth": MAX_DEPTH}
        ) from None
    except ClientMessageInvalid:
        raise
    except ValueError:
        raise ClientMessageInvalid(
            too_big if size > MAX_MESSAGE_BYTES else _("That message is not valid JSON.")
        ) from None
    _check_values(content)
    if not isinstance(content, dict) or not isinstance(content.get("type"), str):
        raise ClientMessageInvalid(_('Send an object with a "type", e.g. {"type": "refresh"}.'))
    kind = content["type"]
    if size > MAX_MESSAGE_BYTES and kind not in large_types:
        raise ClientMessageInvalid(too_big)
    if kind not in accepted:
        shown = kind[:SHOWN_TYPE_LENGTH] if kind.isprintable() else "…"
        raise ClientMessageInvalid(_("Unknown message type “%(type)s”.") % {"type": shown})
    fields = accepted[kind]
    for key in content:
        if key != "type" and key not in fields:
            shown = key[:SHOWN_TYPE_LENGTH] if key.isprintable() else "…"
            raise ClientMessageInvalid(
                _("A “%(type)s” message has no field “%(field)s”.") % {"type": kind, "field": shown}
            )
    for key, clean in fields.items():
        if key in content:
            content[key] = clean(content[key])
    return content
