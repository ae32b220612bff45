"""PostgreSQL unreachable: pages answer 503 'temporarily unavailable', never a traceback."""

import os
import urllib.error
import urllib.request

from tests.servers import free_port, start_uvicorn, stop


def test_pages_answer_503_when_the_database_is_unreachable(tmp_path):
    port, dead_port = free_port(), free_port()  # nothing listens on dead_port
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{dead_port}/nothing",
            "DEBUG": "0",
            "SECRET_KEY": "fault-test-" + "k" * 50,
        }
    )
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    server = start_uvicorn(env, port, output=log)
    try:
        # Pages that need the database: an event, the plenary, and any page for a signed-in browser.
        for path, cookie in (
            ("/events/day-0/", ""),
            ("/events/day-0/plenary/x/", ""),
            ("/", "sessionid=abcdefghijklmnopqrstuvwxyz012345"),
            ("/admin/", "sessionid=abcdefghijklmnopqrstuvwxyz012345"),
        ):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
            try:
                urllib.request.urlopen(request, timeout=30)  # noqa: S310
                raise AssertionError(f"{path} answered without its database")
            except urllib.error.HTTPError as error:
                body = error.read().decode()
                assert error.code == 503, (path, error.code, body[:500])
                assert "temporarily unavailable" in body and "Traceback" not in body
                assert error.headers["Retry-After"] == "10"
                assert "script-src 'self'" in error.headers["Content-Security-Policy"]
    finally:
        stop(server)
        log.close()
