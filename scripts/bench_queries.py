"""Time the named queries on an existing graph (Oxigraph), and check a rewrite against the old queries.

    python3 scripts/bench_queries.py out/bench/out-10000/graph.ttl [--repeats 10] [--baseline DIR]

Loads the graph once, picks each parameter's value from the data as `kg bench` does
(kg/data/bench_samples.json) and prints, as Markdown, the p50/p95 latency of every named
query in queries/ after one warm-up. With `--baseline DIR` (a folder of .rq files, e.g.
the queries of an older commit: `git archive COMMIT queries | tar -x -C /tmp/old`) it also
runs each query of DIR with the same parameters, and with every subset of the optional
ones, and reports any query whose rows (terms, in order) differ. Figures only: no assertion.
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from pathlib import Path

from kg import query as queries
from kg.bench import _percentile, sample_parameters
from kg.store import open_store


def timed(store, named, bindings, repeats: int) -> tuple[list[float], int]:
    result = queries.run_query(store, named, bindings)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        queries.run_query(store, named, bindings)
        times.append((time.perf_counter() - started) * 1000)
    return times, len(result.rows)


def parameter_sets(named, values: dict[str, str]) -> list[list[str]]:
    """The sampled value of every required parameter with each subset of the optional ones."""
    known = [p for p in named.params if p.name in values]
    optional = [p.name for p in known if not p.required]
    required = [f"{p.name}={values[p.name]}" for p in known if p.required]
    return [required + [f"{n}={values[n]}" for n in subset]
            for k in range(len(optional) + 1) for subset in itertools.combinations(optional, k)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--baseline", type=Path, help="folder of .rq files whose rows must be the same")
    args = parser.parse_args()
    started = time.perf_counter()
    store = open_store(args.graph, "oxigraph")
    load = time.perf_counter() - started
    values = sample_parameters(store)
    print(f"{args.graph}: {store.triple_count()} triples, loaded in {load:.1f} s; "
          f"1-minute load average {os.getloadavg()[0]:.1f}; {args.repeats} runs per query after a warm-up\n")
    print("| query | parameters | rows | Oxigraph p50 ms | Oxigraph p95 ms |")
    print("|---|---|---:|---:|---:|")
    differences = []
    for named in queries.list_queries():
        pairs = [f"{p.name}={values[p.name]}" for p in named.params if p.name in values]
        times, rows = timed(store, named, queries.parse_params(named, pairs), args.repeats)
        print(f"| {named.name} | {' '.join(pairs)} | {rows} | {_percentile(times, 50):.1f} | "
              f"{_percentile(times, 95):.1f} |", flush=True)
        if args.baseline:
            old = queries.load_query(str(args.baseline / f"{named.name}.rq"))
            for chosen in parameter_sets(named, values):
                ours = queries.run_query(store, named, queries.parse_params(named, chosen))
                theirs = queries.run_query(store, old, queries.parse_params(old, chosen))
                if (ours.columns, ours.terms) != (theirs.columns, theirs.terms):
                    differences.append(f"{named.name} {' '.join(chosen)}")
    if args.baseline:
        print(f"\nrows compared with {args.baseline}: " + ("identical" if not differences else
                                                            "DIFFERENT for " + "; ".join(differences)))
    print(f"1-minute load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
