"""Generate ontology/indicators.ttl, the indicator vocabulary, from indicators.tsv.

The TSV (columns key, label_zh, label_en, unit, aliases_zh separated by |, notes)
becomes a SKOS concept scheme: one ek:Indicator per row, with its labels, the unit
code verbatim (ek:unitCode) and the matching QUDT unit (ek:unit). Hidden labels
(wordings other cities use, for matching text only) come from
scripts/indicator_hidden_labels.tsv (key<TAB>label).

The output is deterministic (concepts and labels sorted), so running the script
twice on the same input gives the same bytes. Once generated, the Turtle file is
committed and maintained as the one source of the indicator vocabulary.

Usage: python scripts/make_indicators.py [INDICATORS_TSV] [--hidden TSV] [--out TTL]
"""
import argparse
import csv
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TSV = Path("/work/shared/gold/indicators.tsv")
DEFAULT_HIDDEN = ROOT / "scripts" / "indicator_hidden_labels.tsv"
DEFAULT_OUT = ROOT / "ontology" / "indicators.ttl"
SCHEME = "https://w3id.org/envkg/indicator/"

# unit column of indicators.tsv -> QUDT unit (prefixed name in the output)
UNITS = {
    "%": "unit:PERCENT",
    "μg/m3": "unit:MicroGM-PER-M3",
    "mg/m3": "unit:MilliGM-PER-M3",
    "day": "unit:DAY",
    "1": "unit:UNITLESS",
    "count": "unit:NUM",
    "10kt/a": "ek:TenKiloTonnePerYear",
}
COLUMNS = ["key", "label_zh", "label_en", "unit", "aliases_zh", "notes"]
KEY = re.compile(r"[a-z][a-z0-9_]*")

PREFIXES = """\
@prefix ek:      <https://w3id.org/envkg/ontology#> .
@prefix eki:     <https://w3id.org/envkg/indicator/> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix unit:    <http://qudt.org/vocab/unit/> .
"""


def literal(text, lang=None):
    """A Turtle string literal, escaped, with an optional language tag."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def read_rows(path):
    """The rows of indicators.tsv as dicts; ValueError names what is wrong."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if reader.fieldnames != COLUMNS:
            raise ValueError(f"{path}: expected columns {COLUMNS}, found {reader.fieldnames}")
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    seen = set()
    for row in rows:
        key = row["key"]
        if not KEY.fullmatch(key):
            raise ValueError(f"{path}: key {key!r} is not a lower-case identifier")
        if key in seen:
            raise ValueError(f"{path}: key {key!r} appears twice")
        if row["unit"] not in UNITS:
            raise ValueError(f"{path}: unit {row['unit']!r} of {key} has no QUDT mapping; "
                             f"add it to UNITS in {Path(__file__).name}")
        if not row["label_zh"] or not row["label_en"]:
            raise ValueError(f"{path}: {key} needs label_zh and label_en")
        seen.add(key)
    return rows


def read_hidden(path, keys):
    """{key: [label, ...]} from a key<TAB>label file; lines starting with # are comments."""
    hidden = {}
    with open(path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]
    if lines and lines[0] == "key\tlabel":
        lines = lines[1:]
    for number, line in enumerate(lines, 1):
        parts = line.split("\t")
        if len(parts) != 2 or not parts[1].strip():
            raise ValueError(f"{path}: line {number} is not key<TAB>label: {line!r}")
        key, label = parts[0].strip(), parts[1].strip()
        if key not in keys:
            raise ValueError(f"{path}: unknown indicator key {key!r}")
        hidden.setdefault(key, []).append(label)
    return hidden


def concept(row, hidden):
    """The Turtle block of one indicator concept."""
    key = row["key"]
    aliases = sorted({a.strip() for a in row["aliases_zh"].split("|") if a.strip()} - {row["label_zh"]})
    visible = {row["label_zh"], *aliases}
    hidden_labels = sorted(set(hidden.get(key, [])) - visible)
    lines = [
        f"eki:{key} a owl:NamedIndividual , ek:Indicator , skos:Concept ;",
        f"    skos:inScheme <{SCHEME}> ;",
        f"    skos:topConceptOf <{SCHEME}> ;",
        f"    skos:notation {literal(key)} ;",
        f"    skos:prefLabel {literal(row['label_zh'], 'zh')} , {literal(row['label_en'], 'en')} ;",
    ]
    if aliases:
        lines.append("    skos:altLabel " + " , ".join(literal(a, "zh") for a in aliases) + " ;")
    if hidden_labels:
        lines.append("    skos:hiddenLabel " + " , ".join(literal(h, "zh") for h in hidden_labels) + " ;")
    if row["notes"]:
        lines.append(f"    skos:scopeNote {literal(row['notes'], 'en')} ;")
    lines.append(f"    ek:unit {UNITS[row['unit']]} ;")
    lines.append(f"    ek:unitCode {literal(row['unit'])} .")
    return "\n".join(lines)


def render(tsv_path, hidden_path):
    """The text of indicators.ttl for the given source files."""
    rows = sorted(read_rows(tsv_path), key=lambda row: row["key"])
    hidden = read_hidden(hidden_path, {row["key"] for row in rows})
    digest = hashlib.sha256(Path(tsv_path).read_bytes()).hexdigest()[:16]
    header = (
        f"# The envkg indicator vocabulary, a SKOS concept scheme.\n"
        f"# Generated by scripts/make_indicators.py from {Path(tsv_path).name} "
        f"(sha256 {digest}…) and {Path(hidden_path).name};\n"
        f"# now maintained as Turtle: the one source of indicator labels for envkg.\n"
    )
    top = " ,\n        ".join(f"eki:{row['key']}" for row in rows)
    scheme = (
        f"<{SCHEME}> a owl:NamedIndividual , skos:ConceptScheme ;\n"
        f"    skos:prefLabel {literal('envkg 环境指标词表', 'zh')} , "
        f"{literal('envkg environmental indicators', 'en')} ;\n"
        f"    dcterms:description {literal('Indicators of the state of the environment that Chinese ecology and environment bulletins report, with their units and the wordings used for them.', 'en')} ;\n"
        f"    dcterms:license <https://opensource.org/licenses/MIT> ;\n"
        f"    skos:hasTopConcept {top} .\n"
    )
    blocks = [concept(row, hidden) for row in rows]
    return header + "\n" + PREFIXES + "\n" + scheme + "\n" + "\n\n".join(blocks) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tsv", nargs="?", type=Path, default=DEFAULT_TSV,
                        help=f"indicators.tsv to read (default {DEFAULT_TSV})")
    parser.add_argument("--hidden", type=Path, default=DEFAULT_HIDDEN,
                        help="key<TAB>label file of hidden labels (default scripts/indicator_hidden_labels.tsv)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="Turtle file to write (default ontology/indicators.ttl)")
    args = parser.parse_args(argv)
    try:
        text = render(args.tsv, args.hidden)
    except (OSError, ValueError) as error:
        sys.exit(f"make_indicators: {error}")
    args.out.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
