"""The plenary stream: a live stream's or a video's address turned into a player we may embed,
for the few providers whose players we allow (the CSP's frame-src names exactly their hosts).
Any other address is only ever a link."""

import re
from urllib.parse import parse_qs, urlsplit

YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtu.be"})
VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^[0-9]{1,12}$")


def _youtube_id(host: str, path: str, query: str) -> str | None:
    parts = [part for part in path.split("/") if part]
    if host.endswith("youtu.be"):
        candidate = parts[0] if len(parts) == 1 else None
    elif parts == ["watch"]:
        candidate = (parse_qs(query).get("v") or [None])[0]
    elif len(parts) == 2 and parts[0] in ("live", "embed", "shorts"):
        candidate = parts[1]
    else:
        candidate = None
    return candidate if candidate and YOUTUBE_ID.match(candidate) else None


def _vimeo_id(host: str, path: str) -> str | None:
    parts = [part for part in path.split("/") if part]
    if host == "player.vimeo.com":
        parts = parts[1:] if parts[:1] == ["video"] else []
    return parts[0] if len(parts) == 1 and VIMEO_ID.match(parts[0]) else None


def stream_embed(url: str) -> dict:
    """``{"embed": player_url, "link": url}`` for a YouTube or Vimeo address we can play in the
    page; ``{"link": url}`` for another http(s) address; ``{}`` for anything else (javascript:,
    data:, no host...)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return {}
    if parts.scheme not in ("http", "https") or not host or "\x00" in url:
        return {}
    link = {"link": url.strip()}
    if port is not None or parts.username or parts.password:
        return link
    if host in YOUTUBE_HOSTS:
        video = _youtube_id(host, parts.path, parts.query)
        if video:
            return {**link, "embed": f"https://www.youtube-nocookie.com/embed/{video}"}
    if host in VIMEO_HOSTS:
        video = _vimeo_id(host, parts.path)
        if video:
            return {**link, "embed": f"https://player.vimeo.com/video/{video}"}
    return link
