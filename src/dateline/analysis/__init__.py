"""Analysis along time: timelines, co-occurrence, threads, near-duplicates, distinctive terms."""
