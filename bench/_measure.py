"""Run one command and report its wall time, CPU time and peak memory as JSON (stdlib only).

    python3 _measure.py RESULT.json CWD ARG0 [ARG ...]

Run as its own small process by run.py, so that getrusage(RUSAGE_CHILDREN) here covers
exactly this one command and everything it waited for (a process pool's workers included):
ru_maxrss is then the peak of the *largest single process* of this command, not a maximum
carried over from earlier measurements. A sampling thread also adds up the RSS of the whole
process tree (/proc; RSS every 0.1 s, PSS every 0.5 s: forked workers share copy-on-write pages, which
RSS counts once per process and PSS divides among them), the honest figure for a
multi-process build; short peaks between samples can be missed.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> list[int]:
    """root and all its descendants (by parent pid, from /proc)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # pid (comm) state ppid ... ; comm may contain spaces and parentheses
        rest = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(rest[1]), []).append(int(name))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, ()))
    return pids


def _rss(pids: list[int]) -> int:
    """Summed RSS in bytes (statm: cheap)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except OSError:
            pass
    return total


def _pss(pids: list[int]) -> int:
    """Summed PSS in bytes (smaps_rollup walks page tables: ~12 ms per GiB, so sampled less
    often). PSS divides copy-on-write pages shared by forked workers among them."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def main() -> int:
    result_path, cwd, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    peak_tree = peak_pss = 0
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd or None, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

    def sample() -> None:
        # RSS every 0.1 s; PSS at most every 0.5 s and only while there are several processes
        # (for one process it is its RSS): reading smaps_rollup of a large process costs CPU
        # that the measured command would otherwise have on a 2-core machine.
        nonlocal peak_tree, peak_pss
        last_pss = 0.0
        while not done.wait(0.1):
            try:
                pids = _tree(proc.pid)
                rss = _rss(pids)
                peak_tree = max(peak_tree, rss)
                if len(pids) == 1:
                    peak_pss = max(peak_pss, rss)
                elif time.monotonic() - last_pss >= 0.5:
                    last_pss = time.monotonic()
                    peak_pss = max(peak_pss, _pss(pids))
            except Exception:  # a racing /proc entry must not end the measurement
                pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(result_path, "w", encoding="utf-8") as fh:
        json.dump({
            "argv": argv,
            "cwd": cwd,
            "rc": proc.returncode,
            "wall_s": wall,
            "user_s": usage.ru_utime,
            "sys_s": usage.ru_stime,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "maxrss_mib": usage.ru_maxrss / 1024,  # Linux: KiB
            "tree_rss_mib": peak_tree / 2**20,
            "tree_pss_mib": peak_pss / 2**20,
            "stdout": out.decode("utf-8", "replace")[-6000:],
            "stderr": err.decode("utf-8", "replace")[-6000:],
        }, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
