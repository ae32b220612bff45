"""Tiny helpers to read settings from the environment."""

import os


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envlist(name: str, default: str = "") -> list[str]:
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def site_url(environ=None) -> str:
    """The address printed in links, QR codes and e-mails: ``SITE_URL`` when it is set, otherwise
    built from the ``HOST`` and ``PORT`` the server listens on (``make demo`` passes both), so that
    ``PORT=8311 make demo`` prints links to port 8311. A server listening on every interface
    (0.0.0.0, ::) is reached locally at 127.0.0.1."""
    environ = os.environ if environ is None else environ
    explicit = (environ.get("SITE_URL") or "").strip()
    if explicit:
        return explicit.rstrip("/")
    host = (environ.get("HOST") or "").strip() or "127.0.0.1"
    port = (environ.get("PORT") or "").strip() or "8000"
    if host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104 (a name read, not a binding)
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"
