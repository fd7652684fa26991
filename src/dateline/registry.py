"""Extension points by name: the classes of one kind (search engines, embedding models, work
runners) that dateline and plug-ins register alike.

Built-ins register themselves when their module is imported, the same hook a plug-in uses; a
registry imports them (``builtins``) the first time it is asked, so importing dateline loads
no engine, model or cluster code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from dateline.errors import InputError

T = TypeVar("T")


class Registry(Generic[T]):
    """Classes of one kind by their key attribute (``name`` unless told otherwise)."""

    def __init__(self, noun: str, *, plural: str, key: str = "name",
                 builtins: Callable[[], object] | None = None):
        self.noun = noun
        self.plural = plural
        self.key = key
        self._builtins = builtins
        self._classes: dict[str, type[T]] = {}
        self._loaded = builtins is None

    def register(self, cls: type[T], *, replace: bool = False) -> type[T]:
        """Make ``cls`` available by its key (usable as a class decorator); a different class
        under a taken key is an error unless ``replace``."""
        name = getattr(cls, self.key, None)
        if not name:
            raise ValueError(f"{cls!r} has no {self.key}")
        if name in self._classes and self._classes[name] is not cls and not replace:
            article = "an" if self.noun[0] in "aeiou" else "a"
            raise ValueError(f"{article} {self.noun} named {name!r} is already registered")
        self._classes[name] = cls
        return cls

    def find(self, name: str) -> type[T] | None:
        self._load()
        return self._classes.get(name)

    def get(self, name: str) -> type[T]:
        """The class registered as ``name``; a clear error naming the others when none is."""
        cls = self.find(name)
        if cls is None:
            raise InputError(f"no {self.noun} named {name!r}",
                             hint=f"available {self.plural}: {', '.join(self.names())}")
        return cls

    def names(self) -> list[str]:
        self._load()
        return sorted(self._classes)

    def items(self) -> list[tuple[str, type[T]]]:
        self._load()
        return sorted(self._classes.items())

    def _load(self) -> None:
        if not self._loaded and self._builtins is not None:
            self._loaded = True
            self._builtins()
