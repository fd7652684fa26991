"""Schema of near-duplicate clusters, story threads and other analysis results (migration 3).

Everything here is derived from the stories and can be rebuilt (``dateline dups --rebuild``);
the watermarks live in ``meta`` (``dups_seq``: store sequence the near-duplicate pass has seen,
``dups_params``: the MinHash/LSH parameters it used; a change of parameters forces a rebuild).

- ``dup_bands``: the persisted LSH state.  One row per (story, band): ``key`` folds the band
  number and the hash of that band of the story's MinHash signature into one 63-bit integer, so
  "which stories share a band with this one" is one indexed lookup.
- ``dup_members``: near-duplicate clusters; ``cluster`` is the id of the cluster's first story,
  ``similarity`` the exact word-shingle Jaccard with the story that brought it in.  Stories
  without a near-duplicate have no row.
- ``thread_cache``: story threads as last computed, valid while ``seq`` equals the store
  sequence (any ingest invalidates it).  Dropped by migration 4 (:data:`THREADS_V1`), which
  stores thread links computed at ingest instead.
"""

ANALYSIS_V1 = """
CREATE TABLE dup_bands (
    key      INTEGER NOT NULL,
    story_id TEXT NOT NULL,
    PRIMARY KEY (key, story_id)
) WITHOUT ROWID;
CREATE INDEX dup_bands_story ON dup_bands(story_id);
CREATE TABLE dup_members (
    story_id   TEXT PRIMARY KEY,
    cluster    TEXT NOT NULL,
    similarity REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX dup_members_cluster ON dup_members(cluster);
CREATE TABLE thread_cache (
    story_id TEXT PRIMARY KEY,
    seq      INTEGER NOT NULL,
    thread   TEXT NOT NULL              -- JSON, see dateline.analysis.threads.Thread.to_dict
) WITHOUT ROWID;
"""

#: migration 4: story threads as persisted links, computed when stories are stored.
#:
#: - ``thread_docs``: per current, non-duplicate story, the term counts of its title (twice)
#:   and lead as JSON ``{"term": count}``, its date, entity ids and quoted speakers: what a
#:   link score needs, so a link is computed without reading or tokenising the text again.
#: - ``thread_df``: how many thread documents contain each term (the IDF of the link score).
#: - ``thread_links``: links at or above the thread threshold, stored in both directions so
#:   "the links of this story" is one primary-key range.
#:
#: Watermarks in ``meta``: ``threads_seq`` (store sequence the pass has seen) and
#: ``threads_params`` (a change of parameters rebuilds).  ``thread_cache`` (migration 3) is
#: dropped: a thread is now read from the links in milliseconds.
THREADS_V1 = """
DROP TABLE IF EXISTS thread_cache;
CREATE TABLE thread_docs (
    story_id TEXT PRIMARY KEY,
    day      TEXT,
    terms    TEXT NOT NULL,
    entities TEXT NOT NULL DEFAULT '[]',
    speakers TEXT NOT NULL DEFAULT '[]'
) WITHOUT ROWID;
CREATE TABLE thread_df (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE thread_links (
    story_id TEXT NOT NULL,
    other    TEXT NOT NULL,
    score    REAL NOT NULL,
    PRIMARY KEY (story_id, other)
) WITHOUT ROWID;
"""
