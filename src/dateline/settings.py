"""One table of settings feeds the CLI flags, the docs and the defaults.

Precedence: built-in default < ``settings.toml`` in the archive folder < ``DATELINE_*`` environment
variable < an explicit flag or argument.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "DATELINE_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("archive", "archive.dateline", "archive used when --archive is not given: a folder, "
            "or a postgresql://user@host/dbname URL (server mode)"),
    Setting("index_dir", "", "server mode: this machine's folder of derived indexes and "
            "settings (default: ~/.cache/dateline/<hash of the archive URL>)"),
    Setting("workers", 0, "parser and entity-extraction processes (0: one per core)"),
    Setting("batch_size", 1024, "sources stored per transaction during ingest"),
    Setting("parse_timeout", 30.0, "seconds the parser may spend on one record (a text file, one "
            "JSON/CSV record); a record over it is stored as one plain story with a warning "
            "(0: no limit)"),
    Setting("cluster", "", "where ingest, enrich and embed run their CPU-heavy batches: empty or "
            "`local` (this machine), or a Dask scheduler's address (tcp://HOST:8786; the "
            "`cluster` extra)"),
    Setting("cluster_send", "auto", "what parse batches carry to cluster workers: `paths` (the "
            "workers see the files at the same paths), `bytes`, or `auto` (paths to a scheduler "
            "on this machine, bytes to any other)"),
    Setting("engine", "tantivy", "full-text engine of the archive (tantivy, memory)"),
    Setting("index_batch", 50000, "stories sent to the full-text engine per commit"),
    Setting("search_cache", 1024, "search result pages a process keeps for repeated searches "
            "until the next index commit, with half as many facet sets (0: none)"),
    Setting("embedding_model", "use-multilingual-static",
            "embedding model of semantic search (`dateline embed --list` shows them)"),
    Setting("embed_after_ingest", False, "embed new stories at the end of each ingest (off: "
            "`dateline embed` does it when asked)"),
    Setting("search_mode", "keyword", "search mode when none is given: keyword, semantic or "
            "hybrid"),
    Setting("dup_threshold", 0.8, "Jaccard similarity above which two stories are near-duplicates"),
    Setting("max_query_length", 1000, "longest query the web API accepts, in characters"),
    Setting("max_page_size", 200, "most results one API or CLI page returns"),
    Setting("host", "127.0.0.1", "address `dateline serve` binds to"),
    Setting("port", 8000, "port `dateline serve` binds to"),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    if isinstance(setting.default, bool):
        return str(value).lower() in {"1", "true", "yes", "on"}
    if isinstance(setting.default, int):
        return int(value)
    if isinstance(setting.default, float):
        return float(value)
    return str(value)


def get(name: str, folder: Path | None = None, override: Any = None) -> Any:
    """The effective value of a setting (see the module docstring for precedence)."""
    setting = _BY_NAME[name]
    if override is not None:
        return _coerce(setting, override)
    env = os.environ.get(setting.env)
    if env not in (None, ""):
        return _coerce(setting, env)
    if folder is not None:
        file = Path(folder) / "settings.toml"
        if file.is_file():
            with file.open("rb") as fh:
                data = tomllib.load(fh)
            if name in data:
                return _coerce(setting, data[name])
    return setting.default


def default_archive() -> str | Path:
    """The archive used when none is named: a folder, or a server archive's URL."""
    from dateline.store.backend import server_url

    value = str(get("archive"))
    return value if server_url(value) else Path(value).expanduser()
