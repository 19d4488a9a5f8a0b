"""Measure how the machine's CPU time splits between the load generator, gunicorn and PostgreSQL.

Usage: `python bench/cpu.py snapshot > before.json`, run the load, then
`python bench/cpu.py diff before.json` prints each group's share of all cores over the interval
(`other` instead prints just the share of everything else: other people's jobs on a shared box).
`python bench/cpu.py tree PID` prints the clock ticks (user + system) PID and all its descendants
have used so far: a server's master and workers, however it names them.
Linux only: it reads /proc.
"""

import json
import os
import sys
from pathlib import Path

GROUPS = ("loadgen", "gunicorn", "postgres", "redis", "other")


def process_group(pid: str) -> str:
    """Name the group a process belongs to from its command line."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "other"
    if comm == "wrk" or "bench/loadgen.py" in cmdline:
        return "loadgen"
    if "gunicorn" in cmdline:
        # Other people's gunicorn servers on a shared machine are theirs: only ours (the master
        # bench/run.sh started, and its workers) count when its pid is known.
        ours = os.environ.get("BENCH_GUNICORN_PID")
        return "gunicorn" if not ours or ours in (pid, process_parent(pid)) else "other"
    if comm == "redis-server":
        return "redis"
    if comm.startswith("postgres") or cmdline.startswith("postgres"):
        # A backend names its database ("postgres: user db 127.0.0.1(5432) idle"): other databases'
        # backends serve whoever else shares the machine, and count as "other".
        is_backend = "127.0.0.1(" in cmdline or "[local]" in cmdline
        if is_backend and f" {os.environ.get('BENCH_DB_NAME', 'gw_benchdb')} " not in cmdline:
            return "other"
        return "postgres"
    return "other"


def process_parent(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    except OSError:
        return ""


def process_ticks(pid: str) -> int:
    """Return the user+system clock ticks a process has used so far (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))


def tree_ticks(root: str) -> int:
    """Return the ticks used so far by `root` and every process descended from it."""
    parents = {pid: process_parent(pid) for pid in os.listdir("/proc") if pid.isdigit()}
    members, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in members and pid not in members:
                members.add(pid)
                grew = True
    return sum(process_ticks(pid) for pid in members)


def snapshot() -> dict:
    """Return ticks per process and the machine's total ticks (all cores, idle included)."""
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            procs[entry] = [process_group(entry), process_ticks(entry)]
    # The machine's first /proc/stat line: user nice system idle iowait irq softirq steal ...
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return {"total": sum(ticks), "idle": ticks[3] + ticks[4], "procs": procs}


def diff(before: dict, after: dict) -> dict[str, float]:
    """Return each group's share (percent of all cores) between two snapshots.

    "other" is whatever the machine did that our groups did not (other jobs, the kernel, processes
    that exited in between), so the shares always add up to 100.
    """
    elapsed = after["total"] - before["total"] or 1
    ours = dict.fromkeys(GROUPS[:-1], 0)
    for pid, (group, ticks) in after["procs"].items():
        if group in ours:
            ours[group] += max(ticks - before["procs"].get(pid, [group, 0])[1], 0)
    shares = {group: 100.0 * ticks / elapsed for group, ticks in ours.items()}
    shares["idle"] = 100.0 * (after["idle"] - before["idle"]) / elapsed
    shares["other"] = max(100.0 - sum(shares.values()), 0.0)
    return shares


def main() -> None:
    if sys.argv[1:2] == ["snapshot"]:
        json.dump(snapshot(), sys.stdout)
    elif sys.argv[1:2] == ["diff"] and len(sys.argv) == 3:
        shares = diff(json.loads(Path(sys.argv[2]).read_text()), snapshot())
        print(" ".join(f"{group}={share:.0f}%" for group, share in shares.items()))
    elif sys.argv[1:2] == ["tree"] and len(sys.argv) == 3:
        print(tree_ticks(sys.argv[2]))
    elif sys.argv[1:2] == ["other"] and len(sys.argv) == 3:
        print(round(diff(json.loads(Path(sys.argv[2]).read_text()), snapshot())["other"]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
