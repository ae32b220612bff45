"""A group's mix in a few words, for the organiser: "gender: woman ×3, man ×2 · age: 18–24 to 65+"."""

from collections import Counter

from django.utils.translation import gettext as _

from sessions_app.models import DiversityAttribute, Participant

LISTED_VALUES = 2  # up to this many values are listed with their counts; more are counted


def attribute_mix(attribute: DiversityAttribute, values: list[str]) -> str:
    values = [v for v in values if v]
    if not values:
        return ""
    label = attribute.label
    if attribute.kind == DiversityAttribute.Kind.ORDINAL:
        order = {c: i for i, c in enumerate(attribute.choice_list)}
        known = sorted({v for v in values if v in order}, key=order.get)
        if not known:
            return ""
        if len(known) == 1:
            return f"{label}: {known[0]}"
        return _("%(label)s: %(low)s to %(high)s") % {"label": label, "low": known[0], "high": known[-1]}
    counts = Counter(values)
    if len(counts) <= LISTED_VALUES:
        return f"{label}: " + ", ".join(f"{value} ×{n}" for value, n in counts.most_common())
    return _("%(label)s: %(n)s different") % {"label": label, "n": len(counts)}


def group_mix(people: list[Participant], attributes: list[DiversityAttribute]) -> str:
    """The mix of these people over the event's diversity attributes ("" when nobody said)."""
    parts = [attribute_mix(a, [str(p.attributes.get(a.key, "") or "") for p in people]) for a in attributes]
    return " · ".join(p for p in parts if p)
