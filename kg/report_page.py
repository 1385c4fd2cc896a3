"""`kg report`: one self-contained HTML page of a build, for people to read.

For every area and year: the indicators with values and units, the targets next to the
following results (met / missed / not yet reported), the honours received and the plans
issued; every figure links to its evidence sentence (listed per bulletin at the end); a
row stated by several sentences (e.g. in several bulletins) is shown once with a link
to each.
Then one inline SVG bar chart per indicator and unit across areas and years (kg.svgchart).

The data comes from SPARQL over the store (the queries in kg/data/report/*.rq); the page
is the Jinja2 template kg/data/report_template.html with autoescaping on, so document
text is always shown as text. Big builds stay readable: a table of contents, one
collapsible <details> per area (closed when there are more than OPEN_AREAS areas) and per
bulletin's evidence, tables of at most TABLE_ROWS rows and charts of at most CHART_BARS
bars. No timestamp: the same graph gives the same bytes.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from .store import Store, open_store
from .svgchart import bar_chart, format_number, palette
from .viz import display_comparator, display_unit

__all__ = ["CHART_BARS", "OPEN_AREAS", "TABLE_ROWS", "ReportSummary", "report_context", "render_report", "write_report"]

CHART_BARS = 30
OPEN_AREAS = 12
TABLE_ROWS = 200
MORE_LINKS = 5  # links to further sentences stating the same row; beyond that a count
STATUS_TEXT = {"met": "达成", "missed": "未达成", "not yet reported": "尚无结果"}
_DIRECTION = {"up": "↑", "down": "↓"}
_OF = {"increase": "上升", "decrease": "下降"}


@dataclass(frozen=True)
class ReportSummary:
    """What `write_report` wrote."""

    path: Path
    areas: int
    figures: int  # observations, targets, honours and plans shown in the tables


@dataclass
class YearSection:
    year: str
    observations: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    awards: list[dict] = field(default_factory=list)
    plans: list[dict] = field(default_factory=list)


@dataclass
class AreaSection:
    name: str
    code: str
    years: dict[str, YearSection] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"area-{self.code}"

    def count(self, kind: str) -> int:
        """Facts of a kind (a merged row counts each sentence stating it)."""
        return sum(1 + len(row.get("more", ())) for y in self.years.values() for row in getattr(y, kind))

    def year(self, year: str) -> YearSection:
        return self.years.setdefault(year, YearSection(year))


class _Evidence:
    """Evidence sentences numbered in order of first use, grouped by bulletin."""

    def __init__(self):
        self.anchors: dict[str, str] = {}
        self.by_doc: dict[str, list[dict]] = defaultdict(list)

    def cite(self, sentence: str, text: str, doc: str) -> str:
        if sentence not in self.anchors:
            self.anchors[sentence] = anchor = f"ev-{len(self.anchors) + 1}"
            self.by_doc[doc].append({"anchor": anchor, "text": text})
        return self.anchors[sentence]


def report_context(store: Store) -> dict:
    """Everything the template shows, from the report queries over `store`."""
    areas: dict[str, AreaSection] = {}
    evidence = _Evidence()

    def section(row) -> YearSection:
        area = areas.setdefault(row["area_code"], AreaSection(row["area"], row["area_code"]))
        return area.year(row["year"])

    def cite(row, prefix="") -> dict:
        return {"anchor": evidence.cite(row[prefix + "sentence"], row[prefix + "evidence"], row[prefix + "doc"]),
                "text": row[prefix + "evidence"], "doc": row[prefix + "doc"]}

    observations = _select(store, "observations")
    for row in observations:
        change = ""
        if row["change"] is not None:
            change = f"{_DIRECTION.get(row['direction'], '±')}{format_number(row['change'])}{row['change_unit']}"
        section(row).observations.append({
            "indicator": row["indicator_label"], "key": row["indicator"],
            "value": " ".join(p for p in (_OF.get(row["of"] or "", ""), format_number(row["value"])) if p),
            "unit": display_unit(row["unit"]), "change": change, "scope": row["scope"] or "",
            "evidence": cite(row)})
    for row in _select(store, "targets"):
        result = None
        if row["result"] is not None:
            result = {"value": format_number(row["result"]), "evidence": cite(row, "result_")}
        section(row).targets.append({
            "indicator": row["indicator_label"], "unit": display_unit(row["unit"]), "scope": row["scope"],
            "target": " ".join(p for p in (_OF.get(row["of"], ""), display_comparator(row["comparator"]),
                                           format_number(row["target"])) if p),
            "result": result, "status": row["status"], "status_text": STATUS_TEXT.get(row["status"], row["status"]),
            "evidence": cite(row)})
    for row in _select(store, "awards"):
        section(row).awards.append({"recipient": row["recipient"], "award": row["award"], "count": row["count"] or "",
                                    "evidence": cite(row)})
    for row in _select(store, "plans"):
        section(row).plans.append({"title": row["title"], "issuer": row["issuer"], "action": row["action"] or "",
                                   "evidence": cite(row)})

    ordered = [areas[code] for code in sorted(areas)]
    for area in ordered:
        area.years = dict(sorted(area.years.items()))
        for year in area.years.values():
            for kind in ("observations", "targets", "awards", "plans"):
                setattr(year, kind, _merge(getattr(year, kind)))
    documents = _select(store, "documents")
    charts, year_colours = _charts(observations)
    return {
        "areas": ordered,
        "open_areas": len(ordered) <= OPEN_AREAS,
        "charts": charts,
        "year_colours": year_colours,
        "documents": documents,
        "evidence": [{"doc": d["doc"], "title": d["title"] or d["doc"], "sentences": evidence.by_doc.get(d["doc"], [])}
                     for d in documents if d["doc"] in evidence.by_doc],
        "totals": {kind: sum(a.count(kind) for a in ordered)
                   for kind in ("observations", "targets", "awards", "plans")},
        "chart_bars": CHART_BARS,
        "table_rows": TABLE_ROWS,
        "more_links": MORE_LINKS,
    }


def _merge(rows: list[dict]) -> list[dict]:
    """Rows saying the same thing (e.g. one value in several bulletins) as one row whose
    first evidence is `evidence` and the others `more`."""
    merged: dict[str, dict] = {}
    for row in rows:
        same = {k: v for k, v in row.items() if k not in ("evidence", "result")}
        same["result"] = row["result"]["value"] if row.get("result") else None
        key = json.dumps(same, sort_keys=True, ensure_ascii=False)
        if key not in merged:
            merged[key] = {**row, "more": []}
        elif row["evidence"]["anchor"] not in {e["anchor"] for e in [merged[key]["evidence"], *merged[key]["more"]]}:
            merged[key]["more"].append(row["evidence"])
    return list(merged.values())


def _charts(observations: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """One bar chart per indicator and unit: the value of each area and year (the latest
    year per area, largest first, when there are more than CHART_BARS); and the colour of
    each year, the same in every chart."""
    groups: dict[tuple[str, str], dict[tuple[str, str, str], float]] = defaultdict(dict)
    labels: dict[tuple[str, str], str] = {}
    for row in observations:
        if row["scope"] or row["of"]:
            continue  # a part of the area or a change, not the area's level
        key = (row["indicator"], row["unit"])
        labels[key] = row["indicator_label"]
        groups[key].setdefault((row["area_code"], row["year"], row["area"]), float(row["value"]))
    years = palette(sorted({year for points in groups.values() for (_, year, _) in points}))
    charts = []
    for key in sorted(groups):
        points = sorted(groups[key].items())
        shown, note = points, ""
        if len(points) > CHART_BARS:
            latest = {}
            for (code, year, area), value in points:
                latest[code] = ((code, year, area), value)
            shown = sorted(latest.values(), key=lambda p: (-p[1], p[0]))[:CHART_BARS]
            note = f"共 {len(points)} 个数值，只画出各地最近一年的前 {len(shown)} 个"
        rows = [(f"{area} {year}", value) for (code, year, area), value in shown]
        unit = display_unit(key[1])
        charts.append({"anchor": f"chart-{key[0]}-{len(charts) + 1}", "title": labels[key], "unit": unit,
                       "count": len(points), "note": note,
                       "svg": Markup(bar_chart(rows, unit=unit, title=f"{labels[key]}（{unit or '无单位'}）",
                                               colours=[years[year] for (_, year, _), _ in shown]))})
    return charts, years


def render_report(context: dict, *, title: str = "envkg 报告") -> str:
    """The HTML page for a report context (autoescaped Jinja2)."""
    return _template().render(title=title, status_text=STATUS_TEXT, **context)


def write_report(graph_path: Path | str, out: Path | str, *, title: str = "envkg 报告") -> ReportSummary:
    """`kg report`: query the graph file, write the page atomically, say what was written."""
    from .files import write_atomically

    context = report_context(open_store(graph_path))
    out = Path(out)
    write_atomically(out, render_report(context, title=title))
    return ReportSummary(out, len(context["areas"]), sum(context["totals"].values()))


def _select(store: Store, name: str) -> list[dict]:
    from .query import load_query, run_query

    path = resources.files("kg") / "data" / "report" / f"{name}.rq"
    return run_query(store, load_query(str(path))).records()


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    source = (resources.files("kg") / "data" / "report_template.html").read_text(encoding="utf-8")
    return env.from_string(source)
