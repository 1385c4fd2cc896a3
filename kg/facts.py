"""Plain records for what the extractors find: facts, their evidence and their document.

Records are frozen dataclasses with no RDF in them; kg.graph turns them into triples.
Offsets are Unicode code points of the decoded document text.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Area:
    code: str          # GB/T 2260 code, e.g. "440100"
    name: str          # official full name, e.g. "广州市"
    level: str         # "province" | "prefecture" | "county"
    parent: str = ""   # code of the enclosing area ("" for provinces)


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact came from."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Recipient:
    """Who receives an honour: an area, an organisation, or another named thing."""

    name: str
    kind: str                   # "area" | "organisation" | "entity"
    area: Area | None = None    # set when kind == "area"


@dataclass(frozen=True)
class Fact:
    """Fields shared by every fact: its year, evidence and the rule that produced it."""

    year: int
    evidence: Evidence
    source: str  # "component/pattern", shown by `kg explain`


@dataclass(frozen=True)
class Observation(Fact):
    area: Area
    indicator: str              # key of the indicator vocabulary
    value: float
    unit: str                   # unit code of the indicator, or "pp" / "%" for a change
    of: str = ""                # "" for a level, "increase" / "decrease" for a stated change
    scope: str = ""
    change: float | None = None
    change_unit: str = ""
    direction: str = ""         # "up" | "down" when change is set

    kind = "observation"


@dataclass(frozen=True)
class Target(Observation):
    comparator: str = "="       # "<=" | ">=" | "="

    kind = "target"


@dataclass(frozen=True)
class AwardFact(Fact):
    recipient: Recipient
    award: str
    level: str = ""             # international | national | provincial | municipal
    count: int | None = None

    kind = "award"


@dataclass(frozen=True)
class PlanFact(Fact):
    title: str
    issuer: Recipient
    action: str = ""

    kind = "plan"


@dataclass(frozen=True)
class BulletinInfo:
    """What a document says about itself: area, issuing body, years, parts."""

    area: Area | None
    issuer: str                 # e.g. "深圳市生态环境局"
    title: str
    report_year: int | None
    plan_year: int | None
    plan_start: int | None      # offset where the plan part begins; None when there is none
    all_plan: bool = False      # the whole document is a plan (工作要点, 工作计划)

    def part_at(self, offset: int) -> str:
        """'plan' or 'summary' for a position in the document."""
        if self.all_plan or (self.plan_start is not None and offset >= self.plan_start):
            return "plan"
        return "summary"


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    name: str
    sha256: str
    info: BulletinInfo
    sentences: tuple[Evidence, ...]
    facts: tuple[Fact, ...] = field(default_factory=tuple)
