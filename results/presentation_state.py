"""The presenter state every plenary screen in presenter mode follows, as sent to them (the
``plenary.presenter`` payload, and the ``presenter`` of ``plenary.snapshot``); no queries."""

from results.models import PlenarySettings


def question_key(session_code: str, question_code: str) -> str:
    """A question's name on the slides and in ``PlenarySettings.present_reveal``."""
    return f"{session_code}/{question_code}"


def reveal_key(settings_: PlenarySettings) -> str:
    """The figures revealed or hidden by hand, as one text: a screen whose slides were rendered
    with another fetches them again."""
    chosen = settings_.present_reveal if isinstance(settings_.present_reveal, dict) else {}
    return ";".join(f"{key}={int(bool(value))}" for key, value in sorted(chosen.items()))


def presentation_state(settings_: PlenarySettings, total: int) -> dict:
    """``{"version", "slide" (0-based, within the slides), "total", "group" (id or None), "reveal"}``."""
    return {
        "version": settings_.present_version,
        "slide": min(settings_.present_slide, max(total - 1, 0)),
        "total": total,
        "group": settings_.present_group_id,
        "reveal": reveal_key(settings_),
    }
