"""Whatever files people feed `kg build` and `kg query`: facts or one clear line, never a traceback.

Runs the real command in a subprocess (exit status, stderr as a user sees it) and checks
the graph: the same bulletin in any encoding or form gives the same facts.
"""
import codecs
import html
import os
import subprocess
import sys

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from kg.build import build
from kg.namespace import EK, NIF

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = "002_d9a362fbed6fc341.txt"
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def kg(*args, cwd):
    env = {**os.environ, "PYTHONPATH": REPO}
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _html_page(text: str, charset: str) -> str:
    lines = text.splitlines()
    body = "\n".join(f"<p>{html.escape(line)}&nbsp;</p>" for line in lines)
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{html.escape(lines[0])}</title>'
            '<style>p { color: red } /* 2023年PM2.5平均浓度为99微克/立方米 */</style>'
            '<script>var s = "<p>2023年PM2.5平均浓度为99微克/立方米。</p>";</script></head><body>'
            '<nav>首页 &gt; 政务公开</nav><!-- 2023年PM2.5平均浓度为99微克/立方米。 -->'
            f"{body}</body></html>")


@pytest.fixture(scope="module")
def odd_inputs(tmp_path_factory, seeds_dir):
    """A folder of the same bulletin in every supported form, next to files that are no bulletin."""
    root = tmp_path_factory.mktemp("odd")
    folder = root / "in"
    folder.mkdir()
    text = (seeds_dir / SEED).read_text(encoding="utf-8")
    good = {
        "utf8.txt": text.encode("utf-8"),
        "utf8-bom.txt": codecs.BOM_UTF8 + text.encode("utf-8"),
        "gb18030.txt": text.encode("gb18030"),
        "utf16.txt": text.encode("utf-16"),
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "page-gb2312.html": _html_page(text, "gb2312").encode("gb18030"),
        "page-utf8.htm": _html_page(text, "utf-8").encode("utf-8"),
        "full-width.txt": text.translate(FULL_WIDTH).replace(" ", "\u3000").encode("utf-8"),
        "odd-spaces.txt": text.replace("，", "，\u00a0\u2003\t").encode("utf-8"),
        "very-long-line.txt": (text + "\n" + "数据" * 50_000 + "\n").encode("utf-8"),
    }
    bad = {
        "empty.txt": (b"", "empty file"),
        "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
        "archive.html": (b"PK\x03\x04" + bytes(100), "ZIP archive"),
        "nul.txt": (b"abc\x00def" * 10, "binary file"),
        "blank.html": (b"<html><body><script>x()</script></body></html>", "no text"),
        "no-area.txt": ("一份没有地名也没有年份的普通文字。".encode(), "no area"),
        "traditional-big5.txt": ("廣州市生態環境局工作總結\n全市空氣質量優良。".encode("big5"), "no area"),
    }
    for name, data in good.items():
        (folder / name).write_bytes(data)
    for name, (data, _) in bad.items():
        (folder / name).write_bytes(data)
    fifo = root / "pipe.txt"
    os.mkfifo(fifo)
    image = root / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(50))
    done = kg("build", folder, fifo, image, "-o", root / "out", "--format", "ttl,nq", cwd=root)
    reasons = {name: reason for name, (_, reason) in bad.items()}
    reasons.update({"pipe.txt": "not a regular file", "photo.png": "PNG image"})
    return done, root / "out", good, reasons


def test_odd_inputs_build_without_a_traceback(odd_inputs):
    done, out, _, _ = odd_inputs
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert (out / "graph.ttl").is_file() and (out / "graph.nq").is_file()


def test_each_bad_file_gets_one_line_naming_it_and_the_reason(odd_inputs):
    done, _, _, reasons = odd_inputs
    skipped = [line for line in done.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == len(reasons)
    for name, reason in reasons.items():
        (line,) = [line for line in skipped if f"{name}:" in line]
        assert reason in line, line


def _facts_by_file(graph):
    facts = {}
    for doc in graph.subjects(RDF.type, EK.Bulletin):
        found = sorted(
            (str(graph.value(f, RDF.type)), str(graph.value(f, EK.indicator) or graph.value(f, EK.award)
                                                 or graph.value(f, EK.plan)), str(graph.value(f, EK.value)))
            for f in graph.subjects(EK.statedIn, doc))
        for name in graph.objects(doc, EK.fileName):
            facts[str(name)] = found
    return facts


def test_the_same_bulletin_gives_the_same_facts_in_every_form(odd_inputs):
    _, out, good, _ = odd_inputs
    facts = _facts_by_file(Graph().parse(out / "graph.ttl", format="turtle"))
    assert set(facts) == set(good)
    expected = facts["utf8.txt"]
    assert len(expected) > 10
    for name in good:
        assert facts[name] == expected, name


def test_scripts_styles_and_comments_are_not_read(odd_inputs):
    _, out, _, _ = odd_inputs
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    anchors = [str(anchor) for anchor in graph.objects(None, NIF.anchorOf)]
    assert anchors and not any("99微克" in anchor for anchor in anchors)


def test_nothing_buildable_exits_non_zero_with_one_line_per_file(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n")
    done = kg("build", tmp_path / "in", "-o", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "Error: no document could be read: nothing was built"
    assert len(done.stderr.strip().splitlines()) == 3 and "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_missing_input_path_is_one_line(tmp_path):
    done = kg("build", tmp_path / "nowhere", "-o", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2 and "nowhere: no such file or folder" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_folder_with_thousands_of_files(tmp_path, seeds_dir):
    folder = tmp_path / "many"
    for index in range(2000):
        sub = folder / f"{index // 500}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{index:04d}.txt").write_text(f"第{index}号便签：今天天气晴。", encoding="utf-8")
    (folder / "0" / "bulletin.txt").write_bytes((seeds_dir / SEED).read_bytes())
    report = build([folder], tmp_path / "out")
    assert report.documents == 1 and len(report.problems) == 2000
    assert all("no area" in problem for problem in report.problems)


# -- output paths, corpus files, endpoints, quad files: one line, exit 2 ----------------

@pytest.mark.parametrize("command", [
    ["build", "-o", "{file}"],
    ["viz", "-o", "{folder}"],
    ["report", "-o", "{folder}"],
    ["ontology", "-o", "{folder}"],
    ["report", "-o", "{file}/inside/report.html"],
])
def test_unwritable_outputs_are_one_line_errors(command, tmp_path, seeds_graph):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    args = [a.format(file=tmp_path / "a-file", folder=tmp_path / "a-folder") for a in command]
    if args[0] in ("viz", "report"):
        args += ["--graph", seeds_graph]
    done = kg(*args, cwd=REPO)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: ") and "Traceback" not in done.stderr
    assert str(tmp_path) in done.stderr


@pytest.mark.parametrize("line, problem", [
    ('{"id": "a", "text": "x", "area": "成都市", "year": 2023, "facts": [1]}', "fact 1: a fact must be"),
    ('{"id": "a", "text": "x", "area": "成都市", "year": 2023, "facts": [{"type": "weird"}]}', "type 'weird'"),
    ('{"id": "a", "text": ["x"], "area": "成都市", "year": 2023, "facts": []}', "needs 'text'"),
    ('{"id": "a", "text": "x", "area": "成都市", "year": "abc", "facts": []}', "needs 'year'"),
    ("\udcff", "cannot read the corpus file"),
])
def test_broken_corpus_files_are_one_line_errors(line, problem, tmp_path):
    (tmp_path / "c.jsonl").write_bytes(line.encode("utf-8", errors="surrogateescape"))
    done = kg("eval", "--corpus", tmp_path, cwd=REPO)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"Error: {tmp_path / 'c.jsonl'}") and problem in done.stderr


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:abc/", "ftp://example.org/", "http:///x"])
def test_malformed_endpoints_are_one_line_errors(url, seeds_graph):
    for args in (["push", "--endpoint", url, "--graph", seeds_graph],
                 ["query", "observations", "--endpoint", url]):
        done = kg(*args, cwd=REPO)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.startswith("Error: ") and url in done.stderr


def test_a_quads_file_is_refused_with_a_reason(seeds_dir, tmp_path):
    built = build([seeds_dir], tmp_path, formats=("nq",))
    quads = tmp_path / "graph.nq"
    assert quads.exists(), built
    done = kg("query", "observations", "--graph", quads, cwd=REPO)
    assert done.returncode == 2 and "named graphs" in done.stderr and "Traceback" not in done.stderr
