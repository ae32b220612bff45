"""Web addresses that people are sent to: http:// and https:// only.

A `javascript:` or `data:` address in a link runs in our pages' origin when it is clicked, so
every address field of the product (material links, the video room template) takes these two
schemes only, and pages render a stored address only when it still passes."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

ROOM_PLACEHOLDER = "{room}"

web_address = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address that starts with http:// or https://.")
)


@deconstructible
class RoomLinkTemplateValidator:
    """A web address once {room} is replaced by a group's room name."""

    def __call__(self, value: str) -> None:
        if value:
            web_address(value.replace(ROOM_PLACEHOLDER, "room-name"))

    def __eq__(self, other) -> bool:
        return isinstance(other, RoomLinkTemplateValidator)


validate_room_link_template = RoomLinkTemplateValidator()


def is_web_address(value: str) -> bool:
    try:
        web_address(value)
    except ValidationError:
        return False
    return True
