"""`kg bench`'s synthetic corpus: valid bulletins of other areas and years, all different."""
import hashlib

from click.testing import CliRunner

from kg.bench import synthetic_corpus
from kg.cli import cli
from kg.documents import read_document
from kg.metadata import read_bulletin_info


def test_synthetic_bulletins_are_detected_with_their_new_area_and_year(tmp_path, seeds_dir, gazetteer):
    paths = synthetic_corpus(seeds_dir, 12, tmp_path / "corpus")
    assert len(paths) == 12
    hashes = set()
    for path in paths:
        text = read_document(path).text
        info = read_bulletin_info(text, gazetteer)
        _, code, year = path.stem.split("_")
        assert info.area is not None and info.area.code == code, path.name
        assert info.report_year == int(year), path.name
        hashes.add(hashlib.sha256(path.read_bytes()).hexdigest())
    assert len(hashes) == 12
    again = synthetic_corpus(seeds_dir, 12, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]


def test_bad_sizes_are_one_line_errors():
    result = CliRunner().invoke(cli, ["bench", "--docs", "ten"])
    assert result.exit_code == 2 and result.stderr.startswith("Error: --docs ten")


def test_build_options_through_the_cli(tmp_path, seeds_dir):
    seed = str(seeds_dir / "001_15eb9a7c720f71b1.txt")
    result = CliRunner().invoke(cli, ["build", seed, "-o", str(tmp_path), "-j", "2", "--format", "nq,jsonld"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} >= {"graph.ttl", "graph.nq", "graph.jsonld", "void.ttl", ".cache"}
    result = CliRunner().invoke(cli, ["build", seed, "-o", str(tmp_path), "--format", "nt"])
    assert result.exit_code == 0, result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert "graph.nt" in names and not names & {"graph.nq", "graph.jsonld"}, "stale files of other formats stay"
    result = CliRunner().invoke(cli, ["build", seed, "-o", str(tmp_path / "x"), "--format", "xml"])
    assert result.exit_code == 2 and "unknown format xml" in result.stderr
    result = CliRunner().invoke(cli, ["build", seed, "-o", str(tmp_path / "y"), "--no-cache"])
    assert result.exit_code == 0 and not (tmp_path / "y" / ".cache").exists()
