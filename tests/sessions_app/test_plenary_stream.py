"""The plenaries' stream: which addresses become an embedded player (YouTube, Vimeo, through
their players' own hosts only) and which stay a link, and the opening plenary's lobby and the
closing page showing it; on PostgreSQL when DATABASE_URL points at it."""

import pytest
from django.core.exceptions import ValidationError

from groups import services
from infrastructure.embeds import stream_embed
from sessions_app.models import Phase
from tests.factories import make_groups
from tests.helpers import log_in_as

YT = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"

EMBEDS = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", YT),
    ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s", YT),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", YT),
    ("https://youtu.be/dQw4w9WgXcQ", YT),
    ("https://www.youtube.com/live/dQw4w9WgXcQ?si=abc", YT),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", YT),
    ("http://www.YouTube.com/watch?v=dQw4w9WgXcQ", YT),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
    ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871"),
]

LINKS = [
    # Other hosts, lookalikes and addresses whose video cannot be read: a link, never a player.
    "https://youtube.com.evil.org/watch?v=dQw4w9WgXcQ",
    "https://evil.org/youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com@evil.org/watch?v=dQw4w9WgXcQ",
    "https://notyoutube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload%3D",
    "https://www.youtube.com/watch?v=short",
    "https://www.youtube.com/channel/UCabcdefghij",
    "https://vimeo.com.evil.org/76979871",
    "https://vimeo.com/76979871/../../evil",
    "https://player.vimeo.com/76979871",
    "https://zoom.us/j/123456789",
    "https://teams.microsoft.com/l/meetup-join/abc",
]

REFUSED = [
    "javascript:alert(1)",
    "JavaScript://www.youtube.com/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox",
    "//www.youtube.com/watch?v=dQw4w9WgXcQ",
    "ftp://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ\x00",
    "https://[::1",
    "",
]


@pytest.mark.parametrize(("url", "embed"), EMBEDS)
def test_youtube_and_vimeo_addresses_play_through_their_players(url, embed):
    assert stream_embed(url) == {"embed": embed, "link": url}


@pytest.mark.parametrize("url", LINKS)
def test_other_addresses_are_only_links(url):
    assert stream_embed(url) == {"link": url}


@pytest.mark.parametrize("url", REFUSED)
def test_hostile_addresses_are_neither_links_nor_players(url):
    assert stream_embed(url) == {}


@pytest.mark.django_db
def test_the_event_refuses_an_address_that_is_not_a_web_address(event):
    for hostile in ("javascript:alert(1)", "data:text/html,x", "https://a\x00b.org/"):
        event.plenary_stream_url = hostile
        with pytest.raises(ValidationError) as refused:
            event.full_clean()
        assert "plenary_stream_url" in refused.value.message_dict
    event.plenary_stream_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    event.full_clean()


@pytest.fixture
def phases(event):
    kinds = ["opening", "breakout", "plenary"]
    return [
        Phase.objects.create(event=event, order=n, kind=kind, title=kind.title(), planned_minutes=10)
        for n, kind in enumerate(kinds, start=1)
    ]


def _stream_card(page: str) -> str:
    return page.split('id="plenary-stream"', 1)[1].split("</section>", 1)[0] if 'id="plenary-stream"' in page else ""


@pytest.mark.django_db
def test_the_opening_plenary_shows_the_player_and_the_breakout_does_not(client, event, phases, participant):
    event.plenary_stream_url = "https://youtu.be/dQw4w9WgXcQ"
    event.save()
    log_in_as(client, participant)
    services.phase_start(event=event, phase=phases[0])
    card = _stream_card(client.get(f"/events/{event.slug}/").content.decode())
    assert f'<iframe src="{YT}"' in card and 'href="https://youtu.be/dQw4w9WgXcQ"' in card
    services.phase_end(event=event)
    services.phase_start(event=event, phase=phases[1])  # not grouped: the lobby, in the breakout
    assert _stream_card(client.get(f"/events/{event.slug}/").content.decode()) == ""


@pytest.mark.django_db
def test_another_host_is_a_link_and_a_hostile_stored_address_shows_nothing(client, event, phases, participant):
    log_in_as(client, participant)
    services.phase_start(event=event, phase=phases[0])
    event.plenary_stream_url = "https://youtube.com.evil.org/watch?v=dQw4w9WgXcQ"
    event.save()
    card = _stream_card(client.get(f"/events/{event.slug}/").content.decode())
    assert "<iframe" not in card and 'href="https://youtube.com.evil.org/watch?v=dQw4w9WgXcQ"' in card
    event.plenary_stream_url = "javascript:alert(1)"  # as if stored before the field was checked
    event.save()
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert _stream_card(page) == "" and "javascript:" not in page


@pytest.mark.django_db
def test_the_closing_page_shows_the_stream(client, event, phases, participant):
    event.plenary_stream_url = "https://vimeo.com/76979871"
    event.save()
    make_groups(event, 1)
    log_in_as(client, participant)
    for phase in phases:
        if event.running_phase():
            services.phase_end(event=event)
        services.phase_start(event=event, phase=phase)
    response = client.get(f"/events/{event.slug}/closing/")
    assert response.status_code == 200
    card = _stream_card(response.content.decode())
    assert '<iframe src="https://player.vimeo.com/video/76979871"' in card
