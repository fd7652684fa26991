"""A throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks.

``Cluster.start()`` makes a new cluster with ``initdb`` in a temporary folder, starts it on a
free port (TCP on 127.0.0.1 only, trust authentication, durability off: the data is thrown
away), and ``stop()`` stops it and removes the folder.  The server is a child of this process
and dies with it (Linux parent-death signal), so nothing outlives a killed test run.

As root (PostgreSQL refuses to run as root) the cluster belongs to the ``postgres`` user that
Debian's ``postgresql`` package creates; ``scripts/setup-test-env.sh`` installs it.

Also a command: ``python scripts/pg_cluster.py`` starts a server, prints its URL and keeps it
until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_PDEATHSIG = 1  # prctl option


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server can be started here (the message says why)."""


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``postgres``: ``$DATELINE_PG_BINDIR``, Debian's newest
    ``/usr/lib/postgresql/N/bin``, or the one ``pg_config`` names."""
    given = os.environ.get("DATELINE_PG_BINDIR")
    if given:
        return Path(given)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 check=True).stdout.strip()
            if (Path(out) / "initdb").exists():
                return Path(out)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


PREFIX = "dateline-pg-"
#: a cluster folder this old without a live server is what a killed run left
STALE_SECONDS = 600


def remove_stale() -> None:
    """Remove the folders of clusters whose process was killed (their server died with it,
    their files stay): older than :data:`STALE_SECONDS`, no live postmaster."""
    for folder in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            if time.time() - folder.stat().st_mtime < STALE_SECONDS:
                continue
            pidfile = folder / "data" / "postmaster.pid"
            pid = int(pidfile.read_text().split()[0]) if pidfile.exists() else 0
            if pid and _alive(pid):
                continue
        except (OSError, ValueError, IndexError):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """One temporary PostgreSQL server (see the module docstring)."""

    def __init__(self, bindir: Path | None = None):
        bindir = bindir or find_bindir()
        if bindir is None or not (bindir / "initdb").exists():
            raise ClusterUnavailable(
                "no PostgreSQL server binaries (initdb) found: install Debian's postgresql-15 "
                "(scripts/setup-test-env.sh does, as root) or set DATELINE_PG_BINDIR")
        self.bindir = bindir
        self.folder: Path | None = None
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._uid: int | None = None
        self._gid: int | None = None
        if os.geteuid() == 0:
            import pwd

            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterUnavailable(
                    "running as root and there is no 'postgres' user to run the server as "
                    "(Debian's postgresql package creates it)") from None
            self._uid, self._gid = user.pw_uid, user.pw_gid

    @property
    def url(self) -> str:
        """The URL of the server's ``postgres`` database (user ``postgres``, no password)."""
        return self.url_of("postgres")

    def url_of(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _demote(self) -> None:
        """In the child, before exec: become the postgres user (as root) and die with the
        parent."""
        if self._gid is not None and self._uid is not None:
            os.setgroups([])
            os.setgid(self._gid)
            os.setuid(self._uid)
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError, AttributeError):
                ctypes.CDLL(None, use_errno=True).prctl(_PDEATHSIG, signal.SIGQUIT)

    def start(self, timeout: float = 60.0) -> Cluster:
        remove_stale()
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        if self._uid is not None and self._gid is not None:
            os.chown(self.folder, self._uid, self._gid)
        data = self.folder / "data"
        log = self.folder / "server.log"
        try:
            subprocess.run(
                [str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                 "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                check=True, capture_output=True, preexec_fn=self._demote, timeout=timeout)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            self.stop()
            raise ClusterUnavailable(f"initdb failed: {exc} {detail.decode(errors='replace')}"
                                     ) from exc
        for _ in range(5):  # a port taken between the check and the start: another one
            self.port = _free_port()
            with open(log, "ab") as out:
                self.process = subprocess.Popen(
                    [str(self.bindir / "postgres"), "-D", str(data), "-p", str(self.port),
                     "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                     "-c", "fsync=off", "-c", "synchronous_commit=off",
                     "-c", "full_page_writes=off", "-c", "shared_buffers=64MB",
                     "-c", "max_connections=60", "-c", "log_min_messages=warning"],
                    stdout=out, stderr=subprocess.STDOUT, preexec_fn=self._demote,
                    start_new_session=True)
            if self._wait_ready(timeout):
                return self
            self._terminate()
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        self.stop()
        raise ClusterUnavailable(f"the PostgreSQL server did not start: {tail}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.5):
                if self._accepts():
                    return True
            time.sleep(0.1)
        return False

    def _accepts(self) -> bool:
        try:
            import psycopg
        except ImportError:  # without the driver, an open port has to do
            return True
        try:
            with psycopg.connect(self.url, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def execute(self, sql: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE DATABASE, …)."""
        import psycopg

        with psycopg.connect(self.url_of(database), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); returns its URL."""
        extra = f" TEMPLATE {template}" if template else ""
        self.execute(f"CREATE DATABASE {name}{extra}")
        return self.url_of(name)

    def _terminate(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # fast shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        self._terminate()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def main() -> None:
    cluster = Cluster().start()
    print(cluster.url, flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
