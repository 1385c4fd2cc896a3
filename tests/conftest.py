"""Shared fixtures: the gazetteer and one spaCy pipeline per test session, the seeds and gold paths."""
from pathlib import Path

import pytest

from kg.gazetteer import load_gazetteer
from kg.nlp import build_pipeline

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="session")
def nlp(gazetteer):
    return build_pipeline(gazetteer)


@pytest.fixture(scope="session")
def seeds_dir():
    return REPO / "seeds"


@pytest.fixture(scope="session")
def gold_path():
    path = SHARED / "gold" / "seeds.jsonl"
    assert path.is_file(), f"{path} is missing: tests need ../shared beside the repository"
    return path


@pytest.fixture(scope="session")
def seeds_graph(tmp_path_factory, seeds_dir):
    """out/graph.ttl of the seed bulletins, built once per test session."""
    from kg.build import build

    report = build([seeds_dir], tmp_path_factory.mktemp("seeds-build"))
    assert report.graph_path is not None and not report.problems
    return report.graph_path
