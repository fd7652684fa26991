"""dateline: an archive for dated news transcripts.

>>> from dateline import Archive
>>> archive = Archive("kbs.dateline", create=True)          # doctest: +SKIP
>>> archive.ingest(["transcripts/"])                        # doctest: +SKIP
"""

from dateline.archive import Archive
from dateline.errors import (
    ArchiveError,
    ArchiveNotFound,
    DatelineError,
    InputError,
    MissingExtra,
    NotFound,
    PermissionDenied,
    QueryError,
    ReaderError,
)
from dateline.model import (
    Hints,
    ParsedDocument,
    ParsedStory,
    Quote,
    Record,
    Segment,
    SourceFile,
    StoredStory,
)

__version__ = "0.1.0"

__all__ = [
    "Archive",
    "ArchiveError",
    "ArchiveNotFound",
    "DatelineError",
    "Hints",
    "InputError",
    "MissingExtra",
    "NotFound",
    "ParsedDocument",
    "ParsedStory",
    "PermissionDenied",
    "QueryError",
    "Quote",
    "ReaderError",
    "Record",
    "Segment",
    "SourceFile",
    "StoredStory",
    "__version__",
]
