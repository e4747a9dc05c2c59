"""A size-bounded memo for per-token and per-phrase work (tokenizer, LM views, spin detector), so a long scan's
workers stay within their memory budget however many distinct words the corpus holds."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


MISSING = object()


class RecentCache(dict[K, V]):
    """A dict that, once it holds `limit` items, drops its older half before storing a new one
    (dicts keep insertion order; recall() moves a hit to the end, so the half dropped is the least
    recently used). News vocabulary is Zipfian, so the recent half keeps most of the hits, and a
    worker's memory stays flat however long the scan: unbounded, these memos grew a scan worker
    from 294 MiB (600 documents) to 395 MiB (20,000)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = max(2, limit)

    def recall(self, key: K) -> V | object:
        """The value stored for key, now marked most recently used; MISSING if there is none."""
        try:
            value = self.pop(key)
        except KeyError:
            return MISSING
        self[key] = value
        return value

    def put(self, key: K, value: V) -> V:
        if len(self) >= self.limit:
            for old in list(itertools.islice(self, self.limit // 2)):
                del self[old]
        self[key] = value
        return value


def fill_misses(values: list, keys: list, memo: RecentCache, compute: Callable) -> list:
    """Complete `values`, a C-level `map(memo.get, keys)`, in place: each None entry becomes
    compute(key), memoised (looked up again first, as an earlier miss of the same key stored it).
    Hot per-token lookups use this, so only the misses cost a Python step each."""
    k = -1
    while True:
        try:
            k = values.index(None, k + 1)
        except ValueError:
            return values
        key = keys[k]
        hit = memo.get(key)
        if hit is None:
            hit = memo.put(key, compute(key))
        values[k] = hit
