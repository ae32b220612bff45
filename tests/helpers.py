"""Helpers for tests that act as someone: open a person's join link; read a CSV export."""

from sessions_app.join_links import join_url


def log_in_as(client, participant):
    """Open a person's join link in this client; returns the response."""
    return client.get(join_url(participant, absolute=False))


def without_bom(text: str) -> str:
    """A CSV export's text after its byte order mark, which every export must start with."""
    assert text.startswith("\ufeff"), "a CSV export starts with the UTF-8 byte order mark (for Excel)"
    return text[1:]
