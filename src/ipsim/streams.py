"""One seed, spawned into named random streams.

Every stochastic process of the model draws from its own stream, derived from the run's
seed and a stable name (and, for per-country processes, the country's index). Two runs
with the same seed that differ in one country's programme therefore share every draw
that does not depend on that country: common random numbers, as in Starsim.
"""

from __future__ import annotations

import zlib

import numpy as np


def stable_key(name: str) -> int:
    """A stable 32-bit integer for a stream name (independent of Python's hash seed)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Named random generators derived from one seed.

    Args:
        seed: The run's seed (an integer, or a ``SeedSequence`` for a replicate).
    """

    def __init__(self, seed: int | np.random.SeedSequence):
        self.root = (
            seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        )
        self._cache: dict[tuple[int, ...], np.random.Generator] = {}

    def seed_sequence(self, name: str, *index: int) -> np.random.SeedSequence:
        """The seed sequence for a named stream (and optional integer indices)."""
        key = (stable_key(name), *index)
        return np.random.SeedSequence(self.root.entropy, spawn_key=(*self.root.spawn_key, *key))

    def generator(self, name: str, *index: int) -> np.random.Generator:
        """The generator for a named stream; the same object on every call."""
        key = (stable_key(name), *index)
        gen = self._cache.get(key)
        if gen is None:
            gen = np.random.default_rng(self.seed_sequence(name, *index))
            self._cache[key] = gen
        return gen

    def per_country(self, name: str, n_countries: int) -> list[np.random.Generator]:
        """One generator per country for a named process."""
        return [self.generator(name, c) for c in range(n_countries)]


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Integer seeds for ``replicates`` replicates, spawned from one scenario seed.

    Replicate ``r`` gets the same seed whatever the number of replicates, so adding
    replicates never changes the earlier ones.
    """
    root = np.random.SeedSequence(seed)
    children = root.spawn(replicates)
    return [int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for child in children]
