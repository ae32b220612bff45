"""Dialogue scenarios for the tests: a group's results submitted through the service, q1's answer,
and two partner sites (France and Kenya) with their groups' results."""

import uuid

from results.services import note_submit
from sessions_app.models import Session
from tests.factories import make_groups, make_partner, make_site


def submit_results(event, group, answers):
    session = Session.objects.get(event=event)
    return note_submit(group=group, session=session, data={"answers": answers}, idempotency_key=uuid.uuid4())


def q1(opportunity, threat):
    return {"q1": {"counts": {"opportunity": opportunity, "threat": threat}}}


def make_two_sites(dialogue, *, france_tags: str, france_text: str = "", django_user_model=None) -> dict:
    """France (opted in to the public page; Europe): q1 3/4 and 1/2 "opportunity", a ranking per
    group; Kenya (Africa): q1 1/5, and q2 answered by 3 people. With ``django_user_model``,
    France's partner has an organiser, returned as ``partner_user``."""
    france_org, partner_user = make_partner(dialogue, "Partner France", "fr-partner", django_user_model, public=True)
    kenya_org, _ = make_partner(dialogue, "Partner Kenya", "ke-partner")
    france = make_site(dialogue, france_org, "france", country="France", continent="europe", tags=france_tags)
    kenya = make_site(dialogue, kenya_org, "kenya", country="Kenya", continent="africa")
    f1, f2 = make_groups(france, 2)
    (k1,) = make_groups(kenya, 1)
    ranking = ["education", "regulation", "design", "fact-checking"]
    text = {"q5": {"text": france_text}} if france_text else {}
    submit_results(france, f1, {**q1(3, 1), "q4": {"ranking": ranking}, **text})
    submit_results(france, f2, {**q1(1, 1), "q4": {"ranking": ranking[::-1]}})
    submit_results(kenya, k1, {**q1(1, 4), "q2": {"counts": {"citizens": 3}, "valid": 3}})
    return {"france": france, "kenya": kenya, "partner_user": partner_user}
