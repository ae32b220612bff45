"""Tiny helpers to read settings from the environment."""

import ipaddress
import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    """1/0, true/false, yes/no, on/off in any case; empty or unset gives the default.

    Anything else is refused: a typo such as HTTPS=ture must not quietly turn secure cookies off."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of 1, 0, true, false, yes, no, on, off."
    )


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


HOST_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$")


def envhost(name: str) -> str:
    """A host name with an optional port (meet.example.org, 127.0.0.1:8443), lower-case; empty when
    unset. A scheme, path or anything else that could leave the host is refused."""
    value = os.environ.get(name, "").strip().lower()
    if value and not HOST_PATTERN.match(value):
        raise ImproperlyConfigured(f"{name}={value!r}: give the host name alone, e.g. meet.example.org.")
    return value


def envlist(name: str, default: str = "") -> list[str]:
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def envnetworks(name: str, default: str = "") -> list[str]:
    """Comma-separated IP addresses or networks (10.0.0.0/8); anything else, "*" included, is refused:
    trusting every address is what lets a client write its own X-Forwarded-For."""
    values = envlist(name, default)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not an IP address or network; name your proxies, e.g. 172.18.0.1 or 10.0.0.0/8."
            ) from None
    return values


def deployment_slug(text: str) -> str:
    """A name that is safe inside Redis keys and channel names: letters, digits, dots and dashes."""
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-.").lower()
    return slug[:60] or "default"


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
