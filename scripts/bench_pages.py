"""Benchmark the graph page and the report on a bigger graph: N copies of the seed bulletins.

    python3 scripts/bench_pages.py [--copies 20] [--work /tmp/envkg-bench]

Each copy gets one extra line so that it is a different document (its own facts); areas,
awards and indicators stay shared. Prints the graph size, the time to write each page,
`kg stats`'s time, and, in headless Chromium (/usr/bin/chromium, network blocked), the
time until the graph page's layout has settled and physics is off. Figures only: no
assertion.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.build import build
from kg.report_page import write_report
from kg.stats import compute_stats
from kg.store import load_graph
from kg.viz import graph_to_networkx, write_page

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CHROMIUM = "/usr/bin/chromium"


def make_copies(copies: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    for i in range(copies):
        for seed in sorted(SEEDS.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            (folder / f"{seed.stem}_{i:04d}.txt").write_text(f"{text}\n{i}\n", encoding="utf-8")


def timed(label: str, call):
    start = time.perf_counter()
    result = call()
    print(f"{label:<34} {time.perf_counter() - start:8.2f} s")
    return result


def browser_layout_seconds(page_path: Path) -> tuple[float, float, int]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        page.goto(page_path.resolve().as_uri())
        page.wait_for_function("window.envkg && document.getElementById('progress').style.display === 'none'",
                               timeout=600_000)
        seconds = time.perf_counter() - start
        drawn = page.evaluate("envkg.network.body.nodeIndices.length")
        layout = page.evaluate("envkg.timing.layoutMs") / 1000
        browser.close()
    return seconds, layout, drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path("/tmp/envkg-bench"))
    args = parser.parse_args()
    docs = args.work / "docs"
    make_copies(args.copies, docs)
    report = timed(f"build ({args.copies * 5} documents)", lambda: build([docs], args.work / "out"))
    graph = timed("load graph (rdflib)", lambda: load_graph(report.graph_path))
    nxg = timed("graph_to_networkx", lambda: graph_to_networkx(graph))
    print(f"{'nodes / edges':<34} {nxg.number_of_nodes()} / {nxg.number_of_edges()}")
    timed("kg stats figures (networkx)", lambda: compute_stats(nxg))
    page = timed("write graph page", lambda: write_page(graph, args.work / "graph.html"))
    print(f"{'graph page size':<34} {page.path.stat().st_size / 1e6:8.2f} MB")
    written = timed("write report", lambda: write_report(report.graph_path, args.work / "report.html"))
    print(f"{'report size':<34} {written.path.stat().st_size / 1e6:8.2f} MB")
    seconds, layout, drawn = browser_layout_seconds(page.path)
    print(f"{'browser: open until layout settled':<34} {seconds:8.2f} s ({drawn} nodes drawn)")
    print(f"{'browser: of which layout':<34} {layout:8.2f} s")


if __name__ == "__main__":
    main()
