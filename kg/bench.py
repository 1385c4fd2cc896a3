"""`kg bench`: a synthetic corpus from the seeds, then speed, memory and query latency figures.

The corpus: each synthetic bulletin is a seed with its area replaced by another area of
the same level from the gazetteer, its years shifted and its decimal values perturbed
(deterministic: the same size gives the same files); each must still be detected as a
bulletin (area and year) by kg.metadata. The figures, measured in one run:

- extraction throughput (MB/s of UTF-8 text, documents/s) of the envkg pipeline in this
  process, beside a bare `spacy.blank("zh")` pass over the same texts, and their ratio;
- full build time (wall clock) and peak memory (resident set of the build process and
  its workers together, sampled) for each corpus size, `kg build` in a subprocess;
- the rebuild after changing one document (extraction cache warm);
- p50/p95 latency of every named query (queries/*.rq) on the largest graph, on
  Oxigraph and on rdflib's in-memory graph, parameters picked from the data.
"""
from __future__ import annotations

import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from importlib.resources import files as package_files
from pathlib import Path

from .errors import KgError

Log = Callable[[str], None]
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?=\s*年)")
_DECIMAL = re.compile(r"(?<![\d.])(\d{1,4})\.(\d{1,3})(?![\d.])")


@dataclass
class BenchSettings:
    sizes: tuple[int, ...] = (1000, 10000)
    workers: int = 2
    folder: Path = Path("out/bench")
    sample: int = 300            # documents in the throughput measurement
    repeats: int = 20            # runs per query on Oxigraph
    rdflib_repeats: int = 5      # runs per query on rdflib (much slower)
    rdflib_timeout: float = 90.0  # seconds per query on rdflib before it is given up
    seeds: Path = Path("seeds")
    queries: bool = True         # measure the named queries on the largest graph


@dataclass
class BenchResult:
    settings: BenchSettings
    corpus_mb: dict[int, float] = field(default_factory=dict)
    extraction: dict = field(default_factory=dict)
    builds: list[dict] = field(default_factory=list)
    load: dict = field(default_factory=dict)
    queries: list[dict] = field(default_factory=list)
    load_average: tuple[float, float] = (0.0, 0.0)   # 1-minute load at start and end (other work on the machine)


# --------------------------------------------------------------------------- corpus


def synthetic_corpus(seeds_dir: Path, count: int, folder: Path) -> list[Path]:
    """Write `count` synthetic bulletins under `folder` (1,000 per subfolder) and return their paths."""
    from .documents import find_documents, read_document
    from .gazetteer import load_gazetteer
    from .metadata import read_bulletin_info

    gazetteer = load_gazetteer()
    seeds = []
    for path in find_documents([seeds_dir]):
        text = read_document(path).text
        info = read_bulletin_info(text, gazetteer)
        if info.area is not None and info.report_year:
            seeds.append((text, info))
    if not seeds:
        raise KgError(f"{seeds_dir}: no seed bulletin with a detectable area and year")
    areas_by_level: dict[str, list] = {}
    for area in sorted(gazetteer.by_code.values(), key=lambda a: a.code):
        areas_by_level.setdefault(area.level, []).append(area)
    rng = random.Random(20231)
    paths = []
    for index in range(count):
        text, info = seeds[index % len(seeds)]
        area = rng.choice(areas_by_level[info.area.level])
        shift = rng.randint(-9, 1)
        body = _perturb(text.replace(info.area.name, area.name), shift, rng)
        detected = read_bulletin_info(body, gazetteer)
        if detected.area != area or detected.report_year != info.report_year + shift:
            body = f"{area.name}生态环境局{info.report_year + shift}年工作总结\n{body}"
        path = folder / f"{index // 1000:03d}" / f"{index:05d}_{area.code}_{info.report_year + shift}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def _perturb(text: str, shift: int, rng: random.Random) -> str:
    def year(match: re.Match) -> str:
        return str(int(match.group(1)) + shift)

    def value(match: re.Match) -> str:
        digits = len(match.group(2))
        original = float(match.group())
        changed = original * rng.uniform(0.9, 1.1)
        if original <= 100 < changed:
            changed = original
        return f"{changed:.{digits}f}"

    return _DECIMAL.sub(value, _YEAR.sub(year, text))


# --------------------------------------------------------------------------- measurements


def measure_extraction(paths: list[Path]) -> dict:
    """Extraction vs a bare spacy.blank("zh") pass, single process, over the same texts."""
    import spacy

    from .documents import read_document
    from .extract import extract_document
    from .gazetteer import load_gazetteer
    from .nlp import build_pipeline

    documents = [read_document(path) for path in paths]
    megabytes = sum(len(d.text.encode("utf-8")) for d in documents) / 1e6
    gazetteer = load_gazetteer()
    nlp = build_pipeline(gazetteer)
    extract_document(documents[0], nlp, gazetteer)  # warm up
    started, cpu = time.perf_counter(), time.process_time()
    for document in documents:
        extract_document(document, nlp, gazetteer)
    envkg_seconds, envkg_cpu = time.perf_counter() - started, time.process_time() - cpu
    blank = spacy.blank("zh")
    blank(documents[0].text)
    started, cpu = time.perf_counter(), time.process_time()
    for document in documents:
        blank(document.text)
    blank_seconds, blank_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "envkg_cpu_mb_s": megabytes / envkg_cpu, "envkg_cpu_docs_s": len(documents) / envkg_cpu,
        "blank_cpu_mb_s": megabytes / blank_cpu, "blank_cpu_docs_s": len(documents) / blank_cpu,
        "cpu_ratio": blank_cpu / envkg_cpu,
        "documents": len(documents), "megabytes": megabytes,
        "envkg_mb_s": megabytes / envkg_seconds, "envkg_docs_s": len(documents) / envkg_seconds,
        "blank_mb_s": megabytes / blank_seconds, "blank_docs_s": len(documents) / blank_seconds,
        "ratio": blank_seconds / envkg_seconds,
    }


def measure_command(arguments: list[str]) -> dict:
    """Wall time and peak resident memory (process and all its children) of a command."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(process.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            total = 0
            try:
                for member in [root, *root.children(recursive=True)]:
                    try:
                        total += member.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, total)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise KgError(f"benchmark command failed ({process.returncode}): {' '.join(arguments)}\n{err.strip()}")
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak / 2**20, "stderr": err}


def _kg(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "kg", *arguments]


def measure_builds(settings: BenchSettings, corpus: Path, log: Log) -> list[dict]:
    rows = []
    for size in settings.sizes:
        folders = sorted(corpus.iterdir())
        if size % 1000 == 0:
            sources = folders[: size // 1000]
        else:
            sources = sorted(p for folder in folders for p in folder.iterdir())[:size]
        out = settings.folder / f"out-{size}"
        _clear(out)
        log(f"building {size} documents with {settings.workers} workers")
        cold = measure_command(_kg("build", *map(str, sources), "-o", str(out), "--workers", str(settings.workers)))
        log(f"  {cold['seconds']:.1f} s, {cold['cpu_seconds']:.0f} CPU s, peak {cold['peak_mb']:.0f} MB")
        rows.append({"documents": size, "kind": "full build (empty cache)", **cold,
                     "graph_mb": (out / "graph.ttl").stat().st_size / 1e6,
                     "triples": _triples(out / "void.ttl")})
        changed = sorted(sources[-1].iterdir())[-1] if sources[-1].is_dir() else sources[-1]
        original = changed.read_text(encoding="utf-8")
        changed.write_text(original + "\n本年度另新增生态环境志愿者一百名。\n", encoding="utf-8")
        try:
            log(f"rebuilding {size} documents after changing one")
            warm = measure_command(_kg("build", *map(str, sources), "-o", str(out),
                                       "--workers", str(settings.workers)))
        finally:
            changed.write_text(original, encoding="utf-8")
        log(f"  {warm['seconds']:.1f} s, {warm['cpu_seconds']:.0f} CPU s, peak {warm['peak_mb']:.0f} MB")
        rows.append({"documents": size, "kind": "rebuild, one document changed", **warm,
                     "graph_mb": (out / "graph.ttl").stat().st_size / 1e6,
                     "triples": _triples(out / "void.ttl")})
    return rows


def _triples(void_path: Path) -> int:
    match = re.search(r'void:triples "(\d+)"', void_path.read_text(encoding="utf-8").split("ekd:dataset\n", 1)[-1])
    return int(match.group(1)) if match else 0


def _clear(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def sample_parameters(store) -> dict[str, str]:
    """A value for each known parameter name, picked from the graph (the most frequent one)."""
    samples = json.loads(package_files("kg").joinpath("data/bench_samples.json").read_text(encoding="utf-8"))
    values = {}
    for name, sparql in samples.items():
        rows = store.select(sparql).rows
        if rows and rows[0][0] is not None:
            values[name] = rows[0][0]
    return values


def measure_queries(graph: Path, settings: BenchSettings, log: Log) -> tuple[dict, list[dict]]:
    from . import query as queries
    from .store import open_store

    log("loading the graph into Oxigraph")
    started = time.perf_counter()
    oxigraph = open_store(graph, "oxigraph")
    load = {"oxigraph_s": time.perf_counter() - started}
    log("loading the graph into rdflib")
    started = time.perf_counter()
    rdflib_store = open_store(graph, "rdflib")
    load["rdflib_s"] = time.perf_counter() - started
    load["triples"] = oxigraph.triple_count()
    values = sample_parameters(oxigraph)
    rows = []
    for named in queries.list_queries():
        pairs = [f"{p.name}={values[p.name]}" for p in named.params if p.name in values]
        missing = [p.name for p in named.params if p.required and p.name not in values]
        if missing:
            rows.append({"query": named.name, "params": "", "skipped": f"no sample value for {', '.join(missing)}"})
            continue
        bindings = queries.parse_params(named, pairs)
        log(f"query {named.name} {' '.join(pairs)}")
        ox_times, result_rows = _timed(partial(queries.run_query, oxigraph, named, bindings), settings.repeats)
        rdf_times = _timed_with_limit(partial(queries.run_query, rdflib_store, named, bindings),
                                      settings.rdflib_repeats, settings.rdflib_timeout)
        rows.append({"query": named.name, "params": " ".join(pairs), "rows": result_rows,
                     "ox_p50": _percentile(ox_times, 50), "ox_p95": _percentile(ox_times, 95),
                     "rdflib_p50": _percentile(rdf_times, 50) if rdf_times else None,
                     "rdflib_p95": _percentile(rdf_times, 95) if rdf_times else None,
                     "rdflib_runs": len(rdf_times)})
    return load, rows


def _timed(run, repeats: int, slow_ms: float = float("inf")) -> tuple[list[float], int]:
    """Milliseconds of `repeats` runs after a warm-up; only the warm-up if it took over `slow_ms`."""
    started = time.perf_counter()
    result = run()
    warm_up = (time.perf_counter() - started) * 1000
    if warm_up > slow_ms:
        return [warm_up], len(result.rows)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times, len(result.rows)


def _timed_with_limit(run, repeats: int, timeout: float) -> list[float]:
    """`_timed` in a forked child (it shares the loaded graph), given up after `timeout` seconds."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        send.send(_timed(run, repeats, slow_ms=timeout * 1000 / (repeats + 1))[0])

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()
    times = receive.recv() if receive.poll(timeout) else []
    process.kill()
    process.join()
    return times


def _percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


# --------------------------------------------------------------------------- the run


def run_bench(settings: BenchSettings, log: Log = lambda line: None) -> BenchResult:
    result = BenchResult(settings)
    started_load = os.getloadavg()[0]
    largest = max(settings.sizes)
    corpus = settings.folder / "corpus"
    _clear(corpus)
    log(f"writing {largest} synthetic bulletins to {corpus}")
    paths = synthetic_corpus(settings.seeds, largest, corpus)
    for size in settings.sizes:
        result.corpus_mb[size] = sum(p.stat().st_size for p in paths[:size]) / 1e6
    log(f"extraction throughput over {settings.sample} documents")
    step = max(1, len(paths) // settings.sample)
    result.extraction = measure_extraction(paths[::step][: settings.sample])
    log(f"  envkg {result.extraction['envkg_cpu_docs_s']:.1f} documents per CPU second, "
        f"bare spaCy {result.extraction['blank_cpu_docs_s']:.1f}")
    result.builds = measure_builds(settings, corpus, log)
    if settings.queries:
        result.load, result.queries = measure_queries(settings.folder / f"out-{largest}" / "graph.ttl", settings, log)
    result.load_average = (started_load, os.getloadavg()[0])
    return result


def format_bench(result: BenchResult, command: str) -> str:
    """The figures as Markdown (what docs/performance.md records)."""
    s, e = result.settings, result.extraction
    lines = [
        f"Command: `{command}`",
        "",
        f"Machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {_memory_gb():.0f} GB RAM; "
        f"1-minute load average {result.load_average[0]:.1f} at the start, {result.load_average[1]:.1f} at the end "
        "(other processes on the machine slow every figure).",
        "",
        "### Extraction throughput (one process)",
        "",
        "| pass | MB/s (wall) | documents/s (wall) | MB per CPU second | documents per CPU second |",
        "|---|---:|---:|---:|---:|",
        f"| envkg extraction | {e['envkg_mb_s']:.3f} | {e['envkg_docs_s']:.1f} | "
        f"{e['envkg_cpu_mb_s']:.3f} | {e['envkg_cpu_docs_s']:.1f} |",
        f"| bare `spacy.blank(\"zh\")` | {e['blank_mb_s']:.3f} | {e['blank_docs_s']:.1f} | "
        f"{e['blank_cpu_mb_s']:.3f} | {e['blank_cpu_docs_s']:.1f} |",
        "",
        f"{e['documents']} documents, {e['megabytes']:.1f} MB of text; envkg runs at "
        f"{e['ratio']:.2f} of the bare spaCy pass's speed ({e['cpu_ratio']:.2f} by CPU time).",
        "",
        f"### Builds ({s.workers} workers)",
        "",
        "| documents | corpus MB | build | seconds (wall) | CPU seconds (all processes) | peak memory MB "
        "| graph.ttl MB | triples |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in result.builds:
        lines.append(f"| {row['documents']} | {result.corpus_mb[row['documents']]:.1f} | {row['kind']} | "
                     f"{row['seconds']:.1f} | {row['cpu_seconds']:.0f} | {row['peak_mb']:.0f} | {row['graph_mb']:.1f} | {row['triples']} |")
    load = result.load
    if not load:
        return "\n".join(lines) + "\n"
    lines += [
        "",
        f"### Named queries on the {max(s.sizes)}-document graph ({load['triples']} triples)",
        "",
        f"Loading: Oxigraph {load['oxigraph_s']:.1f} s, rdflib {load['rdflib_s']:.1f} s. "
        f"Latency in ms over {s.repeats} runs (Oxigraph) and {s.rdflib_repeats} runs (rdflib) after one warm-up; "
        f"an rdflib query whose warm-up is slow is run once, one that takes over {s.rdflib_timeout:.0f} s is given up.",
        "",
        "| query | parameters | rows | Oxigraph p50 | Oxigraph p95 | rdflib p50 | rdflib p95 | rdflib/Oxigraph (p50) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result.queries:
        if "skipped" in row:
            lines.append(f"| {row['query']} | {row['skipped']} | | | | | | |")
            continue
        if row["rdflib_p50"] is None:
            rdflib_cells = f"> {s.rdflib_timeout * 1000:.0f} | | > {s.rdflib_timeout * 1000 / row['ox_p50']:.0f}"
        else:
            note = " (1 run)" if row["rdflib_runs"] == 1 else ""
            rdflib_cells = (f"{row['rdflib_p50']:.1f}{note} | {row['rdflib_p95']:.1f} | "
                            f"{row['rdflib_p50'] / max(row['ox_p50'], 1e-9):.1f}")
        lines.append(f"| {row['query']} | {row['params']} | {row['rows']} | {row['ox_p50']:.1f} | "
                     f"{row['ox_p95']:.1f} | {rdflib_cells} |")
    return "\n".join(lines) + "\n"


def _memory_gb() -> float:
    import psutil

    return psutil.virtual_memory().total / 2**30
