"""A value read from the database and kept for a short while in this process (a small table every request or
worker step asks about: message wordings, active webhooks). `forget()` drops it at once, e.g. on a model's
post_save in this process; other processes see a change within `ttl` seconds."""

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Fresh(Generic[T]):
    def __init__(self, load: Callable[[], T], ttl: float):
        self.load = load
        self.ttl = ttl
        self._value: T | None = None
        self._read_at = -ttl

    def get(self) -> T:
        if self._value is None or time.monotonic() - self._read_at >= self.ttl:
            self._value = self.load()
            self._read_at = time.monotonic()
        return self._value

    def forget(self) -> None:
        self._value = None
