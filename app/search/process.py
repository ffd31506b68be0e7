"""`ruche serve`'s index writer: a process of its own, below the web workers' CPU priority.

Whoosh is pure Python: indexing a post cost the server about as much CPU as creating it, and inside a web worker it
ran under that worker's GIL, holding its requests back (post creation's p99 doubled). In its own process with a
lower priority (`nice`, and SCHED_IDLE on Linux), it takes the CPU the web workers leave: under a burst of posts
the index falls behind, then catches up, in outbox order, skipping nothing (app.search.indexer). It is restarted
if it stops."""

import logging
import os
import subprocess
import sys
import threading

log = logging.getLogger("ruche.search")

INDEXER_NICE = 10
RESTART_DELAY_S = 2.0
STOP_TIMEOUT_S = 15.0


# The writer's own first lines: stopped with `ruche serve` even if that one is killed outright (Linux).
_BOOT = (
    "import signal, sys\n"
    "if sys.platform == 'linux':\n"
    "    import ctypes; ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG\n"
    "from app.cli import main; main()"
)


class IndexWriterProcess:
    """`ruche search indexer`, started beside the web workers and stopped with them."""

    def __init__(self, argv: list[str] | None = None) -> None:
        self.argv = argv or [sys.executable, "-c", _BOOT, "search", "indexer"]
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> "IndexWriterProcess":
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="ruche-index-writer", daemon=True)
        self._watcher.start()
        return self

    def _spawn(self) -> None:
        # Its own process group: a Ctrl-C in the terminal stops `ruche serve`, which then stops the writer. Not its
        # own session: Linux shares the CPU fairly between sessions ("autogroups") before looking at `nice`, so a
        # writer in a session of its own took as much CPU as all the web workers together.
        self._process = subprocess.Popen(self.argv, process_group=0)
        pid = self._process.pid
        try:
            os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + INDEXER_NICE)
            if hasattr(os, "SCHED_IDLE"):
                # `nice` alone still gave it a weighted share under load: catching up on a burst of 10,000 posts, it
                # took 25-50% of a core from web workers serving 500 pages a second. SCHED_IDLE runs it only on a
                # CPU nothing else wants, and any waking worker preempts it.
                os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
        except OSError:  # it already exited: the watcher restarts it
            pass

    def _watch(self) -> None:
        while not self._stopping.is_set():
            process = self._process
            if process is None:
                return
            code = process.wait()
            if self._stopping.wait(RESTART_DELAY_S):
                return
            log.warning("search index writer exited with %s; restarting it", code)
            self._spawn()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self) -> None:
        self._stopping.set()
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
