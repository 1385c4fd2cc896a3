"""Whole bulletins of other areas (tests/bulletins/) built and scored with the gold rules: a
regression guard on document-level extraction (metadata, parts, sentences and facts together)."""
from pathlib import Path

import pytest

from kg.build import build
from kg.evaluate import TYPES, format_report, load_gold, predictions_from_store, score
from kg.store import open_store

BULLETINS = Path(__file__).parent / "bulletins"
MIN_MICRO_F1 = 0.95
MIN_TYPE_F1 = 0.90


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bulletins")
    built = build([BULLETINS / "docs"], out)
    assert not built.problems, built.problems
    return score(load_gold(BULLETINS / "gold.jsonl"), predictions_from_store(open_store(built.graph_path)))


def test_gold_passes_the_checker():
    import subprocess
    import sys

    checker = Path(__file__).parents[2] / "shared" / "gold" / "check_gold.py"
    done = subprocess.run([sys.executable, str(checker), str(BULLETINS / "docs"), str(BULLETINS / "gold.jsonl")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and ", 0 problems" in done.stdout, done.stdout + done.stderr


def test_every_bulletin_has_gold_facts_and_predictions(report):
    docs = {path.name for path in (BULLETINS / "docs").glob("*.txt")}
    assert set(report.by_doc) == docs
    for doc, counts in report.by_doc.items():
        assert sum(c.predicted for c in counts.values()) > 0, f"{doc}: no facts extracted"


def test_scores_hold(report, capsys):
    table = format_report(report, misses=True)
    with capsys.disabled():
        print("\nbulletin scores\n" + table.split("\n\n")[0])
    assert report.micro.f1 >= MIN_MICRO_F1, table
    for kind in TYPES:
        assert report.by_type[kind].f1 >= MIN_TYPE_F1, f"{kind}\n{table}"
