"""A paper file waiting for its organiser's confirmation (results.paper_confirmation)."""

import pytest

from results.paper_confirmation import paper_confirmation, paper_upload_hold, paper_upload_take

pytestmark = pytest.mark.django_db


def test_the_held_file_is_given_once_to_the_organiser_who_sent_it(event, organiser, other_organiser):
    paper_upload_hold(event=event, user=organiser, confirmation="c" * 64, filename="tallies.csv", data=b"group\n")
    assert paper_upload_take(event=event, user=other_organiser, confirmation="c" * 64) is None
    assert paper_upload_take(event=event, user=organiser, confirmation="d" * 64) is None
    assert paper_upload_take(event=event, user=organiser, confirmation="c" * 64) == ("tallies.csv", b"group\n")
    assert paper_upload_take(event=event, user=organiser, confirmation="c" * 64) is None


class _Group:
    def __init__(self, pk):
        self.pk = pk


def test_the_confirmation_names_the_file_and_the_revisions_it_replaces():
    one = [{"group": _Group(1), "revision": 2}]
    assert paper_confirmation(digest="a", replacing=one) == paper_confirmation(digest="a", replacing=one)
    assert paper_confirmation(digest="a", replacing=one) != paper_confirmation(digest="b", replacing=one)
    later = [{"group": _Group(1), "revision": 3}]
    assert paper_confirmation(digest="a", replacing=one) != paper_confirmation(digest="a", replacing=later)
    assert len(paper_confirmation(digest="a", replacing=one)) == 64
