"""CPU time of the processes a load run involves, read from /proc: the server's (its process group: the workers
and the search index writer), the database's (`postgres` processes) and the load generator's (`wrk`, a child of this
process: its time is counted once it has been waited for, as run_wrk does).

Per request, this is what a scenario costs each side. It moves less than requests per second when the host's speed
swings, and it shows which side a change saved (requests per second on two shared cores mixes all three)."""

import os
from dataclasses import dataclass
from pathlib import Path

_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSplit:
    """Seconds of CPU (user and system)."""

    app: float
    database: float
    client: float

    def __sub__(self, other: "CpuSplit") -> "CpuSplit":
        return CpuSplit(self.app - other.app, self.database - other.database, self.client - other.client)

    def per_request_ms(self, requests: int) -> "CpuSplit":
        scale = 1000 / requests if requests else 0.0
        return CpuSplit(self.app * scale, self.database * scale, self.client * scale)


def cpu_now(server_group: int, proc: Path = Path("/proc")) -> CpuSplit:
    """CPU used so far by the live processes of the server's process group and of PostgreSQL, with the processes
    each of them has waited for (a backend that exits is waited for by PostgreSQL's postmaster: without its time, a
    backend ending mid-scenario took its whole CPU time out of the sum), and by the children this process has waited
    for (wrk)."""
    app = database = 0.0
    children = os.times()
    client = children.children_user + children.children_system
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        # utime, stime, and cutime, cstime: the children it has waited for.
        group, seconds = int(fields[2]), sum(int(f) for f in fields[11:15]) * _TICK_S
        if group == server_group:
            app += seconds
        elif comm == "postgres":
            database += seconds
    return CpuSplit(app, database, client)
