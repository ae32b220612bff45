"""The Dockerfile's own server command, run for real: uvicorn believes X-Forwarded-For only from
TRUSTED_PROXIES, so rotating the header does not escape the join limit; behind a trusted proxy
each forwarded client is counted on its own."""

import json
import os
import sys
import urllib.error
import urllib.request

from tests.servers import ROOT, free_port, start_server, stop


def _dockerfile_command(port: int) -> list[str]:
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    command = json.loads(line[len("CMD ") :])
    assert command[:2] == ["sh", "-c"] and "--forwarded-allow-ips" in command[2]
    script = command[2].replace("--host 0.0.0.0 --port 8000", f"--host 127.0.0.1 --port {port}")
    return ["sh", "-c", script.replace("exec uvicorn", f"exec {sys.executable} -m uvicorn")]


def _bad_links(port: int, forwarded: list[str]) -> list[int]:
    codes = []
    for address in forwarded:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/join/guess/", headers={"X-Forwarded-For": address})
        try:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 - our own local server
            codes.append(200)
        except urllib.error.HTTPError as error:
            codes.append(error.code)
    return codes


def _serve(trusted: str):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        {"DEBUG": "0", "SECRET_KEY": "proxy-test-" + "k" * 50, "TRUSTED_PROXIES": trusted, "JOIN_RATE_LIMIT": "3/60"}
    )
    return start_server(_dockerfile_command(port), env, port), port


def test_rotating_the_header_from_an_untrusted_peer_changes_nothing():
    process, port = _serve("10.255.255.1")  # our loopback connection is not a trusted proxy
    try:
        assert _bad_links(port, [f"198.51.100.{i}" for i in range(6)]) == [403, 403, 403, 429, 429, 429]
    finally:
        stop(process)


def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own():
    process, port = _serve("127.0.0.1,::1")
    try:
        assert _bad_links(port, [f"198.51.100.{i}" for i in range(6)]) == [403] * 6
        assert _bad_links(port, ["203.0.113.5"] * 4) == [403, 403, 403, 429]
    finally:
        stop(process)
