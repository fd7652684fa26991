"""The exceptions dateline raises.

Every error says what went wrong, where, and what to do; each has a stable ``code`` and an HTTP
``status`` so the CLI and the web API can report it the same way::

    DatelineError
    ├── ArchiveError             the archive folder or its store is missing, locked or damaged
    │   ├── ArchiveNotFound
    │   └── SchemaTooNew
    ├── InputError               a file, record or option given by the user is not usable
    │   └── ReaderError          a reader could not read a source (raised only outside ingest;
    │                            ingest turns it into a reject)
    ├── QueryError               a search query or filter is not valid
    ├── NotFound                 no story / entity / source with that id
    ├── MissingExtra             an optional dependency is not installed (names the pip command)
    ├── WorkerDied               parser processes keep dying, whatever they read
    ├── ClusterError             the cluster given by --cluster cannot be reached or used
    └── PermissionDenied         a write was attempted on a read-only front end
"""

from __future__ import annotations


class DatelineError(Exception):
    """Base class of all dateline errors."""

    code = "dateline_error"
    status = 500

    def __init__(self, message: str, *, hint: str | None = None, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def __str__(self) -> str:
        parts = [self.message]
        if self.where:
            parts.append(f"(at {self.where})")
        if self.hint:
            parts.append(f"— {self.hint}")
        return " ".join(parts)


class ArchiveError(DatelineError):
    code = "archive_error"
    status = 500


class ArchiveNotFound(ArchiveError):
    code = "archive_not_found"
    status = 404


class SchemaTooNew(ArchiveError):
    code = "schema_too_new"
    status = 500


class InputError(DatelineError):
    code = "input_error"
    status = 400


class ReaderError(InputError):
    code = "reader_error"
    status = 400


class QueryError(DatelineError):
    code = "query_error"
    status = 400


class NotFound(DatelineError):
    code = "not_found"
    status = 404


class MissingExtra(DatelineError):
    code = "missing_extra"
    status = 501

    def __init__(self, package: str, extra: str, feature: str):
        super().__init__(
            f"{feature} needs the optional package {package!r}",
            hint=f"install it with: pip install 'dateline[{extra}]'",
        )


class WorkerDied(DatelineError):
    """A parser process ended before its files were done (killed, out of memory)."""

    code = "worker_died"
    status = 500


class ClusterError(DatelineError):
    """The cluster given by ``--cluster`` cannot be reached, has no workers, or runs another
    version of dateline."""

    code = "cluster_error"
    status = 503


class PermissionDenied(DatelineError):
    code = "permission_denied"
    status = 403
