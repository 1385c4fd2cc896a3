"""A build stopped at any moment (Ctrl-C, kill) leaves the previous output and a usable cache."""
import os
import pickle
import signal
import subprocess
import sys
import time

import psutil
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def kg(*args, cwd):
    env = {**os.environ, "PYTHONPATH": REPO}
    return [sys.executable, "-m", "kg", *map(str, args)], {"cwd": cwd, "env": env}


@pytest.fixture
def corpus(tmp_path, seeds_dir):
    """12 distinct bulletins (each seed with a different closing line)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    seeds = sorted(seeds_dir.iterdir())
    for index in range(12):
        text = seeds[index % len(seeds)].read_text(encoding="utf-8")
        (folder / f"{index:03d}.txt").write_text(f"{text}\n第{index}份。\n", encoding="utf-8")
    return folder


def _entries(out):
    return sorted((out / ".cache").rglob("*.pickle"))


def _wait_for_entries(process, out, count, limit=120):
    deadline = time.monotonic() + limit
    while len(_entries(out)) < count:
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline, "the build wrote no cache entries"
        time.sleep(0.05)


@pytest.mark.parametrize("stop, workers", [("sigint", 2), ("sigkill", 1), ("sigkill", 2)])
def test_interrupted_build_keeps_the_old_output_and_a_usable_cache(tmp_path, corpus, seeds_dir, stop, workers):
    out = tmp_path / "out"
    command, options = kg("build", seeds_dir / "000_69ad9ab762b26814.txt", "-o", out, cwd=tmp_path)
    subprocess.run(command, check=True, capture_output=True, **options)
    old_graph = (out / "graph.ttl").read_bytes()
    old_description = (out / "void.ttl").read_bytes()

    command, options = kg("build", corpus, "-o", out, "--workers", workers, cwd=tmp_path)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)
    children = []
    try:
        _wait_for_entries(process, out, 2)
        children = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGINT if stop == "sigint" else signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    if stop == "sigint":
        assert process.returncode == 130
        assert stderr.strip().splitlines()[-1] == "interrupted"
        assert "Traceback" not in stderr
    else:
        assert process.returncode == -signal.SIGKILL
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, "worker processes outlived the build"

    assert (out / "graph.ttl").read_bytes() == old_graph
    assert (out / "void.ttl").read_bytes() == old_description
    entries = _entries(out)
    assert len(entries) >= 2
    for entry in entries:
        with open(entry, "rb") as handle:
            pickle.load(handle)
    written = {entry: entry.stat().st_mtime_ns for entry in entries}

    command, options = kg("build", corpus, "-o", out, cwd=tmp_path)
    done = subprocess.run(command, capture_output=True, text=True, **options)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert all(entry.stat().st_mtime_ns == mtime for entry, mtime in written.items()), "cache entries were redone"
    assert len(_entries(out)) == 12 + 1  # the corpus and the first build's seed
    assert not list(out.glob(".build-*")), "a staging folder was left behind"
    assert (out / "graph.ttl").read_bytes() != old_graph
