"""The plan before the button: how the people checked in now would be split into groups, and
who would go without a facilitator or a note taker, in the organiser's words.

It uses the allocator's own sizes and staff matching, so the preview is what a run will do."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.allocation.constraints import match_staff, serves
from groups.allocation.problem import StaffMember
from groups.allocation.sizes import plan_groups
from infrastructure import languages
from sessions_app.models import Event, Participant

MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 50
# "Fewer, larger groups" is offered only while no group grows beyond this many times the target.
ALTERNATIVE_MAX_FACTOR = 2


def first_language(person: Participant) -> str:
    languages = person.language_list
    return languages[0] if languages else ""


def language_name(code: str) -> str:
    return languages.language_name(code) if code else _("no language given")


def target_size(event: Event) -> int:
    return min(max(event.group_size, MIN_GROUP_SIZE), MAX_GROUP_SIZE)


def size_preference(event: Event) -> str:
    return "larger" if event.uneven_groups == Event.UnevenGroups.LARGER else "smaller"


def staff_members(event: Event, staff: list[Participant]) -> list[StaffMember]:
    """Staff as the allocator sees them: their role, and the languages they work in."""
    return [
        StaffMember(
            id=str(person.pk),
            roles=(person.role,),
            language=tuple(person.language_list) or None if event.keep_language_together else None,
        )
        for person in staff
    ]


def people_sets(event: Event, participants: list[Participant]) -> dict[str, int]:
    """Keep-together sets: people per first language when groups share a language, else one set."""
    if not event.keep_language_together:
        return {"": len(participants)}
    return dict(sorted(Counter(first_language(p) for p in participants).items()))


def _detail(text: str, detail: str) -> str:
    """ "7 facilitators for 8 groups" and its detail, punctuated as the language does."""
    return _("%(text)s: %(detail)s") % {"text": text, "detail": detail}


@dataclass
class SetPlan:
    language: str
    people: int
    sizes: list[int]
    within_target: bool


@dataclass
class Plan:
    participants: int
    target: int
    sets: list[SetPlan]
    facilitators: int
    note_takers: int
    missing_facilitators: int
    missing_note_takers: int
    volunteers: bool
    keep_language: bool
    # role -> languages of groups without that role because no such staff works in them
    short_languages: dict = field(default_factory=dict)
    limits: dict = field(default_factory=dict)
    alternative: "Plan | None" = None

    @property
    def groups(self) -> int:
        return sum(len(s.sizes) for s in self.sets)

    @property
    def sizes(self) -> list[int]:
        return [k for s in self.sets for k in s.sizes]

    def sizes_text(self) -> str:
        counts = sorted(Counter(self.sizes).items(), reverse=True)
        return ", ".join(
            ngettext("%(n)s of %(size)s", "%(n)s of %(size)s", n) % {"n": n, "size": size} for size, n in counts
        )

    def people_text(self) -> str:
        text = ngettext("%(n)s participant checked in", "%(n)s participants checked in", self.participants) % {
            "n": self.participants
        }
        if self.keep_language and len(self.sets) > 1:
            text += " (" + ", ".join(f"{language_name(s.language)} {s.people}" for s in self.sets) + ")"
        return text

    def groups_text(self) -> str:
        return ngettext("%(n)s group: %(sizes)s", "%(n)s groups: %(sizes)s", self.groups) % {
            "n": self.groups,
            "sizes": self.sizes_text(),
        }

    def _where(self, role: str) -> str:
        """' (French)' when groups go without this role because no such staff works in French."""
        languages = sorted({lang for lang in self.short_languages.get(role, []) if lang})
        if not self.keep_language or len(self.sets) < 2 or not languages:
            return ""
        return " (" + ", ".join(language_name(lang) for lang in languages) + ")"

    def staff_texts(self) -> list[str]:
        texts = []
        g = self.groups
        counts = ngettext("%(n)s facilitator", "%(n)s facilitators", self.facilitators) % {"n": self.facilitators}
        text = _("%(staff)s for %(groups)s") % {
            "staff": counts,
            "groups": ngettext("%(n)s group", "%(n)s groups", g) % {"n": g},
        }
        if self.missing_facilitators:
            text = _detail(
                text,
                ngettext("%(n)s group will have none", "%(n)s groups will have none", self.missing_facilitators)
                % {"n": self.missing_facilitators}
                + self._where("facilitator"),
            )
        texts.append(text)
        text = ngettext("%(n)s note taker", "%(n)s note takers", self.note_takers) % {"n": self.note_takers}
        if self.missing_note_takers:
            if self.volunteers:
                text = _detail(
                    text,
                    ngettext(
                        "a participant will take the notes in %(n)s group",
                        "a participant will take the notes in %(n)s groups",
                        self.missing_note_takers,
                    )
                    % {"n": self.missing_note_takers}
                    + self._where("note_taker"),
                )
            else:
                text = _detail(
                    text,
                    ngettext(
                        "%(n)s group will have none%(where)s; you can ask a participant to take the notes",
                        "%(n)s groups will have none%(where)s; you can ask a participant to take the notes",
                        self.missing_note_takers,
                    )
                    % {"n": self.missing_note_takers, "where": self._where("note_taker")},
                )
        texts.append(text)
        return texts

    def size_warnings(self) -> list[str]:
        warnings = []
        for s in self.sets:
            if s.within_target:
                continue
            who = language_name(s.language) if self.keep_language else _("Everyone")
            if len(s.sizes) == 1 and s.people < self.target - 1:
                warnings.append(
                    _("%(who)s: %(n)s people, too few for a full group; they form one group of %(n)s.")
                    % {"who": who, "n": s.people}
                )
            else:
                warnings.append(
                    _("%(who)s: %(n)s people cannot be split into groups of %(lo)s to %(hi)s; groups of %(sizes)s.")
                    % {
                        "who": who,
                        "n": s.people,
                        "lo": self.target - 1,
                        "hi": self.target + 1,
                        "sizes": ", ".join(str(k) for k in s.sizes),
                    }
                )
        return warnings

    def summary(self) -> str:
        return " · ".join([f"{self.people_text()} → {self.groups_text()}", *self.staff_texts()])


def _plan(event: Event, sets: dict[str, int], staff: list[StaffMember], limits: dict, volunteers: bool):
    """The plan, and the languages of the groups that would have no facilitator."""
    target, prefer = target_size(event), size_preference(event)
    set_plans, group_language = [], []
    for language, n in sets.items():
        plan = plan_groups(n, target, prefer, limits.get(language))
        set_plans.append(SetPlan(language=language, people=n, sizes=plan.sizes, within_target=plan.within_target))
        group_language += [language if event.keep_language_together else None] * plan.groups
    missing = match_staff(group_language, staff)
    return Plan(
        participants=sum(sets.values()),
        target=target,
        sets=set_plans,
        facilitators=sum(1 for s in staff if "facilitator" in s.roles),
        note_takers=sum(1 for s in staff if "note_taker" in s.roles),
        missing_facilitators=len(missing["facilitator"]),
        missing_note_takers=len(missing["note_taker"]),
        volunteers=volunteers,
        keep_language=event.keep_language_together,
        limits=dict(limits),
        short_languages={
            role: [
                group_language[k]
                for k in groups
                if not any(role in s.roles and serves(s.languages, group_language[k]) for s in staff)
            ]
            for role, groups in missing.items()
        },
    ), [group_language[k] for k in missing["facilitator"]]


def fewer_groups_limits(event: Event, sets: dict[str, int], staff: list[StaffMember]) -> dict | None:
    """Numbers of groups per set such that every group has a facilitator, or None when
    there is no such plan (a set no facilitator can serve) or no need for one.

    One group fewer at a time, from the set whose groups stay smallest (sets left without a
    facilitator first), until the facilitators cover every group."""
    plan, short = _plan(event, sets, staff, {}, False)
    if not short:
        return None
    groups = {s.language: len(s.sizes) for s in plan.sets}
    limits: dict = {}
    for _step in range(sum(groups.values())):
        if not short:
            return limits
        short_sets = {"" if lang is None else lang for lang in short}
        candidates = [lang for lang, g in groups.items() if g > 1]
        if not candidates:
            return None
        language = min(candidates, key=lambda lang: (-(-sets[lang] // (groups[lang] - 1)), lang not in short_sets))
        groups[language] -= 1
        limits[language] = groups[language]
        plan, short = _plan(event, sets, staff, limits, False)
    return None if short else limits


def event_plan(event: Event, participants: list[Participant], staff_people: list[Participant]) -> Plan:
    """The plan for these people, with the "fewer, larger groups" alternative when
    facilitators are short and such a plan exists."""
    sets = people_sets(event, participants)
    staff = staff_members(event, staff_people)
    plan, _short = _plan(event, sets, staff, {}, event.allow_volunteer_note_takers)
    limits = fewer_groups_limits(event, sets, staff)
    if limits:
        alternative, _ = _plan(event, sets, staff, limits, event.allow_volunteer_note_takers)
        if max(alternative.sizes) <= ALTERNATIVE_MAX_FACTOR * plan.target:
            plan.alternative = alternative
    return plan
