"""The extraction cache: only new or changed documents are extracted; damage costs time, never the build."""
import shutil

import pytest

import kg.cache as cache_module
import kg.parallel
from kg.build import build
from kg.cache import ExtractionCache, extractor_version


class CountingExtractor:
    """Wraps extract_document and counts the documents it really extracts."""

    def __init__(self, monkeypatch):
        self.names = []
        original = kg.parallel.extract_document

        def extract(document, *args, **kwargs):
            self.names.append(document.name)
            return original(document, *args, **kwargs)

        monkeypatch.setattr(kg.parallel, "extract_document", extract)


@pytest.fixture
def corpus(tmp_path, seeds_dir):
    folder = tmp_path / "in"
    shutil.copytree(seeds_dir, folder)
    return folder


def _entries(folder):
    return sorted(p for p in folder.rglob("*.pickle"))


def test_rebuild_extracts_only_the_changed_document(corpus, tmp_path, monkeypatch):
    first = build([corpus], tmp_path / "out")
    before = (tmp_path / "out" / "graph.ttl").read_bytes()
    counter = CountingExtractor(monkeypatch)
    build([corpus], tmp_path / "out")
    assert counter.names == []
    assert (tmp_path / "out" / "graph.ttl").read_bytes() == before
    changed = corpus / "001_15eb9a7c720f71b1.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n另有一句新话。\n", encoding="utf-8")
    second = build([corpus], tmp_path / "out")
    assert counter.names == ["001_15eb9a7c720f71b1.txt"]
    assert second.documents == first.documents == 5


def test_cached_and_fresh_builds_are_identical(corpus, tmp_path):
    build([corpus], tmp_path / "cached")
    build([corpus], tmp_path / "cached")
    build([corpus], tmp_path / "fresh", cache=False)
    assert (tmp_path / "cached" / "graph.ttl").read_bytes() == (tmp_path / "fresh" / "graph.ttl").read_bytes()
    assert (tmp_path / "cached" / "void.ttl").read_bytes() == (tmp_path / "fresh" / "void.ttl").read_bytes()


def test_no_cache_writes_no_cache(corpus, tmp_path):
    build([corpus], tmp_path / "out", cache=False)
    assert not (tmp_path / "out" / ".cache").exists()


def test_cache_dir_option(corpus, tmp_path):
    build([corpus], tmp_path / "out", cache_dir=tmp_path / "elsewhere")
    assert len(_entries(tmp_path / "elsewhere" / extractor_version())) == 5
    assert not (tmp_path / "out" / ".cache").exists()


def test_damaged_entries_are_extracted_again(corpus, tmp_path, monkeypatch):
    build([corpus], tmp_path / "out")
    expected = (tmp_path / "out" / "graph.ttl").read_bytes()
    entries = _entries(tmp_path / "out" / ".cache")
    entries[0].write_bytes(b"not a pickle")
    entries[1].write_bytes(entries[1].read_bytes()[:20])
    counter = CountingExtractor(monkeypatch)
    build([corpus], tmp_path / "out")
    assert len(counter.names) == 2
    assert (tmp_path / "out" / "graph.ttl").read_bytes() == expected


def test_options_are_part_of_the_key(seeds_dir, tmp_path, monkeypatch):
    seed = seeds_dir / "004_d6ec991cb5fe69dc.txt"
    build([seed], tmp_path / "out")
    counter = CountingExtractor(monkeypatch)
    build([seed], tmp_path / "out", year=2022)
    assert counter.names == [seed.name]
    assert '"2022"^^xsd:gYear' in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def test_refused_documents_are_cached_too(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "noarea.txt").write_text("一份没有地名也没有年份的文字。", encoding="utf-8")
    first = build([tmp_path / "in"], tmp_path / "out")
    counter = CountingExtractor(monkeypatch)
    second = build([tmp_path / "in"], tmp_path / "out")
    assert counter.names == [] and second.problems == first.problems and "no area" in second.problems[0]


def test_other_versions_are_pruned(corpus, tmp_path):
    stale = tmp_path / "out" / ".cache" / "0123456789abcdef" / "aa"
    stale.mkdir(parents=True)
    (stale / "x.pickle").write_bytes(b"old")
    build([corpus], tmp_path / "out")
    assert not stale.exists()
    assert (tmp_path / "out" / ".cache" / extractor_version()).is_dir()


def test_extractor_version_follows_code_and_data(tmp_path, monkeypatch):
    package = tmp_path / "kg"
    shutil.copytree(cache_module.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    indicators = tmp_path / "indicators.ttl"
    shutil.copy(cache_module.INDICATORS_TTL, indicators)
    monkeypatch.setattr(cache_module, "PACKAGE_DIR", package)
    monkeypatch.setattr(cache_module, "INDICATORS_TTL", indicators)
    version = cache_module.extractor_version.__wrapped__

    base = version()
    assert base == version()
    (package / "viz.py").write_text("# the page only\n", encoding="utf-8")
    (package / "data" / "viz_template.html").write_text("<html></html>", encoding="utf-8")
    assert version() == base
    for changed in (package / "extractors" / "awards.py", package / "data" / "units.tsv", indicators,
                    package / "graph.py"):
        original = changed.read_bytes()
        changed.write_bytes(original + b"\n")
        assert version() != base, changed.name
        changed.write_bytes(original)
    assert version() == base


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    store = ExtractionCache(blocked)
    store.put("ab" * 32, "", "outcome")
    assert store.get("ab" * 32, "") is None


def test_extraction_modules_follow_imports(tmp_path):
    names = {p.relative_to(cache_module.PACKAGE_DIR).as_posix() for p in cache_module.extraction_modules()}
    assert {"documents.py", "extract.py", "records.py", "nlp.py", "numbers.py", "metadata.py", "graph.py",
            "extractors/measures.py", "extractors/awards.py", "extractors/plans.py"} <= names
    assert not names & {"cli.py", "build.py", "viz.py", "bench.py", "query.py", "store.py"}
    package = tmp_path / "kg"
    shutil.copytree(cache_module.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "extractors" / "tables.py").write_text("X = 1\n", encoding="utf-8")
    awards = package / "extractors" / "awards.py"
    awards.write_text(awards.read_text(encoding="utf-8") + "\n\ndef _late():\n    from .tables import X\n    return X\n",
                      encoding="utf-8")
    assert package / "extractors" / "tables.py" in cache_module.extraction_modules(package)


def test_same_bytes_as_html_and_as_text_are_cached_apart(tmp_path):
    page = ("<html><body><p>2023年广州市生态环境工作总结</p>"
            "<p><b>2023年，广州市PM2.5平均浓度为23微克/立方米。</b></p></body></html>").encode()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.html").write_bytes(page)
    (tmp_path / "b" / "x.txt").write_bytes(page)
    build([tmp_path / "a"], tmp_path / "out")
    cached = build([tmp_path / "b"], tmp_path / "out").graph_path.read_bytes()
    fresh = build([tmp_path / "b"], tmp_path / "fresh", cache=False).graph_path.read_bytes()
    assert cached == fresh
