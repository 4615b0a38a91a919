"""Run one command and report its wall time, CPU time and peak memory as JSON (stdlib only).

    python3 _measure.py RESULT.json CWD ARG0 [ARG ...]

Run as its own small process by run.py, so that getrusage(RUSAGE_CHILDREN) here covers
exactly this one command and everything it waited for (a process pool's workers included):
ru_maxrss is then the peak of the *largest single process* of this command, not a maximum
carried over from earlier measurements. A sampling thread also adds up the RSS of the whole
process tree every 50 ms (/proc, RSS and PSS: forked workers share copy-on-write pages, which
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


def _tree_rss(root: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over root and all its descendants, from /proc. PSS shares
    copy-on-write pages of forked workers among them instead of counting them in each."""
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
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return rss, pss


def main() -> int:
    result_path, cwd, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    peak_tree = peak_pss = 0
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd or None, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

    def sample() -> None:
        nonlocal peak_tree, peak_pss
        while not done.wait(0.05):
            try:
                rss, pss = _tree_rss(proc.pid)
                peak_tree, peak_pss = max(peak_tree, rss), max(peak_pss, pss)
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
