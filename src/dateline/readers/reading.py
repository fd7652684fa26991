"""From a file (or its bytes) to :class:`~dateline.model.SourceFile` objects, archives unpacked.

What ``SourceFile.raw`` holds, so that ``read_bytes(source.raw, source.name, source.origin,
options)`` always gives the same records again:

- a plain file: its bytes;
- a ``.gz`` file (or any file starting with the gzip magic bytes): the **compressed** file bytes,
  exactly as given; the reader is chosen by the inner name (``x.json.gz`` → ``json``) and
  recorded in ``SourceFile.reader``; a ``.zip.gz`` is unpacked as a zip;
- a ``.zip`` member: the member's uncompressed bytes, name ``a.zip!dir/b.txt`` (origin
  ``path/a.zip!dir/b.txt``); archives inside archives nest the same way, three levels deep;
- a corrupt or empty archive: one reject holding the archive's bytes.  A zip whose directory is
  readable but some of whose members are not gives a reject per bad member (no bytes) *and* one
  reject named after the archive holding all its bytes, so nothing is lost.

Nothing here raises for bad content: every problem becomes ``reject_reason`` or a RecordError.
"""

from __future__ import annotations

import gzip
import io
import logging
import zipfile
import zlib
from pathlib import Path

from dateline.model import SourceFile
from dateline.readers.registry import ReaderOptions, choose_reader

log = logging.getLogger(__name__)

#: Bigger decompressed content than this is refused (a decompression bomb, or unpack it first).
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_NESTING = 3
GZIP_MAGIC = b"\x1f\x8b"
_ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz")


def read_path(path: Path | str, options: ReaderOptions) -> list[SourceFile]:
    """Read one file into one SourceFile (several for a zip); never raises for bad content."""
    path = Path(path)
    return read_file(str(path), path.name, options)


def read_file(origin: str, name: str, options: ReaderOptions) -> list[SourceFile]:
    """:func:`read_path` of a path given as its text and its file name (the ingest workers
    receive strings: they pickle several times faster than Path objects)."""
    try:
        # unbuffered: one read of the whole file, less than half the cost of Path.read_bytes
        with open(origin, "rb", buffering=0) as f:
            raw = f.readall()
    except OSError as exc:
        return [SourceFile(
            origin=origin, name=name, raw=b"", reader="",
            reject_reason=f"cannot read the file: {exc.strerror or exc}; check that it exists "
                          "and that you may read it",
            reject_place=origin,
        )]
    return read_bytes(raw, name, origin, options)


def read_bytes(raw: bytes, name: str, origin: str, options: ReaderOptions) -> list[SourceFile]:
    """Read bytes received under ``name`` (``a.zip!b.txt`` for a member) from ``origin``."""
    return _read(raw, name, origin, options, 0)


def inner_name(name: str) -> str:
    """The part of a source name that says what it is: ``a.zip!dir/b.txt`` → ``dir/b.txt``."""
    head, sep, tail = name.rpartition("!")
    if sep and head.lower().endswith(_ARCHIVE_SUFFIXES):
        return tail
    return name


def _read(raw: bytes, name: str, origin: str, options: ReaderOptions,
          depth: int) -> list[SourceFile]:
    try:
        inner = inner_name(name)
        lower = inner.lower()
        if depth < MAX_NESTING and raw:
            if raw.startswith(GZIP_MAGIC) or lower.endswith((".gz", ".tgz")):
                return _read_gzip(raw, name, origin, options, depth)
            if lower.endswith(".zip"):
                return _read_zip(raw, name, origin, name, options, depth)
        return [_read_single(raw, name, origin, inner, options)]
    except Exception as exc:  # noqa: BLE001 - the promise: never raise for content
        log.exception("reading %s failed", origin)
        return [SourceFile(origin, name, raw, reject_reason=f"cannot read: {exc}")]


def _read_single(raw: bytes, name: str, origin: str, choose_by: str,
                 options: ReaderOptions) -> SourceFile:
    source = SourceFile(origin=origin, name=name, raw=raw)
    spec = choose_reader(choose_by, raw[:4096], options)
    source.reader = spec.name
    if not raw:
        source.reject_reason = "empty file"
        return source
    try:
        spec.read(source, options)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not lose the file
        log.exception("the %s reader failed on %s", spec.name, origin)
        source.records.clear()
        source.reject_reason = (f"internal error in the {spec.name} reader "
                                f"({type(exc).__name__}: {exc}); please report it")
    return source


def _read_gzip(raw: bytes, name: str, origin: str, options: ReaderOptions,
               depth: int) -> list[SourceFile]:
    inner = inner_name(name)
    if inner.lower().endswith(".tgz"):
        stripped = inner[:-4] + ".tar"
    elif inner.lower().endswith(".gz"):
        stripped = inner[:-3]
    else:
        stripped = inner
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as gz:
            data = gz.read(MAX_UNPACKED_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        return [SourceFile(origin, name, raw, reader="gzip",
                           reject_reason=f"corrupt gzip file: {exc}; the compressed bytes are "
                                         "kept — try `gzip -t` on the original")]
    if len(data) > MAX_UNPACKED_BYTES:
        return [SourceFile(origin, name, raw, reader="gzip",
                           reject_reason="decompresses to more than "
                                         f"{MAX_UNPACKED_BYTES >> 30} GiB; unpack it first")]
    if stripped.lower().endswith(".zip") or data.startswith(b"PK\x03\x04"):
        unpacked = _read_zip(data, name, origin, name, options, depth + 1)
        for source in unpacked:
            if source.name == name:  # an archive-level reject keeps the bytes as given
                source.raw = raw
        return unpacked
    if data.startswith(GZIP_MAGIC) and depth + 1 < MAX_NESTING:
        sources = _read_gzip(data, stripped, origin, options, depth + 1)
    else:
        sources = [_read_single(data, stripped, origin, stripped, options)]
    for source in sources:  # the identity and the bytes are the compressed file's
        source.name, source.origin, source.raw = name, origin, raw
        if source.reject_reason == "empty file":
            source.reject_reason = "empty file (after gzip decompression)"
    return sources


def _read_zip(raw: bytes, name: str, origin: str, prefix: str, options: ReaderOptions,
              depth: int) -> list[SourceFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        return [SourceFile(origin, name, raw, reader="zip",
                           reject_reason=f"corrupt zip archive: {exc}; its bytes are kept — "
                                         "repair it (zip -FF) or unpack what you can and "
                                         "ingest the files")]
    out: list[SourceFile] = []
    failed: list[str] = []
    members = sorted((i for i in infos if _wanted_member(i)), key=lambda i: _member_name(i))
    with archive:
        for info in members:
            member = _member_name(info)
            member_name, member_origin = f"{prefix}!{member}", f"{origin}!{member}"
            try:
                if info.file_size > MAX_UNPACKED_BYTES:
                    raise ValueError(f"member is {info.file_size} bytes, more than the "
                                     f"{MAX_UNPACKED_BYTES >> 30} GiB limit")
                data = archive.read(info)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, OSError,
                    EOFError, zlib.error) as exc:
                failed.append(f"{member}: {exc}")
                out.append(SourceFile(
                    member_origin, member_name, b"", reader="zip",
                    reject_reason=f"cannot extract this member ({exc}); the whole archive is "
                                  f"kept as the reject {name!r}",
                    reject_place=member,
                ))
                continue
            out.extend(_read(data, member_name, member_origin, options, depth + 1))
    if failed:
        out.append(SourceFile(origin, name, raw, reader="zip",
                              reject_reason=f"{len(failed)} member(s) could not be extracted "
                                            f"({'; '.join(failed[:3])}); the archive's bytes "
                                            "are kept here"))
    if not members:
        out.append(SourceFile(origin, name, raw, reader="zip",
                              reject_reason="empty zip archive: no files in it"))
    return out


def _wanted_member(info: zipfile.ZipInfo) -> bool:
    if info.is_dir():
        return False
    name = info.filename
    return not (name.startswith("__MACOSX/") or "/__MACOSX/" in name)


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; legacy (non-UTF-8) names from Korean Windows are CP949, not CP437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            original = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for codec in ("utf-8", "cp949"):
            try:
                return original.decode(codec)
            except UnicodeDecodeError:
                continue
    return name
