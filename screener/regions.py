"""Where the site is deployed: which emergency number and helplines lead (US, CA, UK)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .bank import Bank
from .words import N_


@dataclass(frozen=True)
class Region:
    """Which emergency number and helplines lead where the site is deployed."""

    code: str
    name: str
    emergency: str  # the emergency number
    crisis: str  # a line to call (or text) in a crisis
    crisis_label: str  # what the strip calls it
    crisis_short: str
    talk: str  # a free line to talk things through
    talk_short: str
    spotter: str | None  # someone stays on the line while a person uses
    lead: tuple[str, ...]  # helplines that come first on every results page
    poison: str | None = None  # where to call about a medicine mistake (None: the findings' steps say)

    def local(self, resource_id: str) -> str | None:
        """Return this region's counterpart of a US resource id (None: there is none)."""
        swap = {
            "emergency_911": self.emergency,
            "lifeline_988": self.crisis,
            "samhsa_helpline": self.talk,
            "never_use_alone": self.spotter,
            "poison_help": self.poison,
        }
        return swap.get(resource_id, resource_id) if self.code != "US" else resource_id


REGIONS: Mapping[str, Region] = MappingProxyType(
    {
        "US": Region(
            "US",
            N_("United States"),
            "emergency_911",
            "lifeline_988",
            N_("Suicide or crisis"),
            "988",
            "samhsa_helpline",
            "SAMHSA",
            "never_use_alone",
            (),
        ),
        "CA": Region(
            "CA",
            N_("Canada"),
            "ca_911",
            "ca_988",
            N_("Suicide or crisis"),
            "9-8-8",
            "ca_988",
            "9-8-8",
            "ca_nors",
            ("ca_988", "ca_911", "ca_nors"),
            poison="ca_poison",
        ),
        "UK": Region(
            "UK",
            N_("United Kingdom"),
            "uk_999",
            "uk_samaritans",
            N_("To talk to someone"),
            "Samaritans",
            "uk_frank",
            "FRANK",
            None,
            ("uk_999", "uk_samaritans", "uk_frank"),
            poison="uk_111",
        ),
    }
)


def region_problem(code: object, bank: Bank) -> str | None:
    """Return why a SCREENER_REGION value cannot be used, or None when it can."""
    if code not in REGIONS:
        return f"unknown region {code!r} in SCREENER_REGION: use one of {', '.join(REGIONS)}"
    region = REGIONS[str(code)]
    needed = [region.emergency, region.crisis, region.talk, *region.lead]
    missing = [r for r in needed + [region.spotter or region.talk] if r not in bank.resources]
    if missing:
        return f"the question bank has no helpline {', '.join(missing)} for region {code}"
    return None
