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
    talk: str  # where to talk things through or find treatment (a line, or a page of them)
    talk_short: str  # its short name in a sentence
    spotter: str | None  # someone stays on the line while a person uses
    finder: str  # where to find treatment near you
    poison: str  # advice on a medicine mistake, when the person is awake and breathing
    lead: tuple[str, ...]  # helplines that come first on every results page

    def local(self, resource_id: str) -> str | None:
        """Return this region's counterpart of a US resource id (None: there is none)."""
        swap = {
            "emergency_911": self.emergency,
            "lifeline_988": self.crisis,
            "samhsa_helpline": self.talk,
            "never_use_alone": self.spotter,
            "findtreatment": self.finder,
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
            "samhsa_helpline",
            N_("the SAMHSA Helpline"),
            "never_use_alone",
            "findtreatment",
            "poison_help",
            (),
        ),
        "CA": Region(
            "CA",
            N_("Canada"),
            "ca_911",
            "ca_988",
            N_("Suicide or crisis"),
            "ca_get_help",
            N_("the help lines where you live"),
            "ca_nors",
            "ca_get_help",
            "ca_poison",
            ("ca_988", "ca_911", "ca_nors"),
        ),
        "UK": Region(
            "UK",
            N_("United Kingdom"),
            "uk_999",
            "uk_samaritans",
            N_("To talk to someone"),
            "uk_frank",
            "FRANK",
            None,
            "uk_drug_help",
            "uk_111",
            ("uk_999", "uk_samaritans", "uk_frank"),
        ),
    }
)


def region_problem(code: object, bank: Bank) -> str | None:
    """Return why a SCREENER_REGION value cannot be used, or None when it can."""
    if code not in REGIONS:
        return f"unknown region {code!r} in SCREENER_REGION: use one of {', '.join(REGIONS)}"
    region = REGIONS[str(code)]
    needed = [region.emergency, region.crisis, region.talk, region.finder, region.poison, *region.lead]
    missing = [r for r in needed + [region.spotter or region.talk] if r not in bank.resources]
    if missing:
        return f"the question bank has no helpline {', '.join(missing)} for region {code}"
    return None
