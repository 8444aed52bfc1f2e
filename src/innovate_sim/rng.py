"""Named, stable random streams (DESIGN §3.2).

One root :class:`numpy.random.SeedSequence` per experiment. Replication *r*
and each named process (``"az-outage/prod/az-b"``) get their own generator,
derived from the seed, the replication number and a hash of the name — never
from the order in which streams are asked for. Adding a component therefore
never shifts the draws of another, and two scenario variants run with the
same seed see the same failure history (common random numbers).

There is no global random state anywhere in the library.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["SEED_MAX", "RandomStreams", "Stream", "check_seed", "name_key"]

_BLOCK = 64

#: Largest experiment seed: seeds are non-negative 64-bit integers (numpy's
#: ``SeedSequence`` takes no negative entropy), the same range as the YAML field.
SEED_MAX = 2**63 - 1


def check_seed(seed: object, name: str = "seed") -> int:
    """``seed`` as an int, or a ``ValueError`` saying which seeds are valid.

    The one check for every way a seed comes in: the scenario's ``seed:``
    field, ``--seed`` on the command line and ``simulate(seed=...)``.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"{name} must be an integer from 0 to {SEED_MAX}; got {seed!r}")
    value = int(seed)
    if not 0 <= value <= SEED_MAX:
        raise ValueError(
            f"{name} must be an integer from 0 to {SEED_MAX} (numpy's SeedSequence range); "
            f"got {value}"
        )
    return value


def name_key(name: str) -> tuple[int, ...]:
    """Four 32-bit words from a BLAKE2b hash of ``name`` (stable across runs and machines)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class Stream:
    """Buffered uniform and normal draws from one named generator.

    Values are drawn in blocks for speed; the sequence of values handed out is
    the same whatever the block size, because each kind of draw (uniform,
    normal) comes from its own child generator.
    """

    __slots__ = ("_ni", "_normal_gen", "_normals", "_ui", "_uniform_gen", "_uniforms", "name")

    def __init__(self, seed_sequence: np.random.SeedSequence, name: str) -> None:
        uniform_seq, normal_seq = seed_sequence.spawn(2)
        self.name = name
        self._uniform_gen = np.random.Generator(np.random.PCG64(uniform_seq))
        self._normal_gen = np.random.Generator(np.random.PCG64(normal_seq))
        self._uniforms: list[float] = []
        self._normals: list[float] = []
        self._ui = 0
        self._ni = 0

    def random(self) -> float:
        """One uniform draw in [0, 1)."""
        if self._ui >= len(self._uniforms):
            self._uniforms = self._uniform_gen.random(_BLOCK).tolist()
            self._ui = 0
        value = self._uniforms[self._ui]
        self._ui += 1
        return value

    def normal(self) -> float:
        """One standard normal draw."""
        if self._ni >= len(self._normals):
            self._normals = self._normal_gen.standard_normal(_BLOCK).tolist()
            self._ni = 0
        value = self._normals[self._ni]
        self._ni += 1
        return value

    def exponential(self, mean: float) -> float:
        """One exponential draw with the given mean (inverse transform of a uniform)."""
        return -mean * np.log1p(-self.random()).item() if mean > 0 else float("inf")

    def choice(self, count: int) -> int:
        """A uniform index in ``range(count)``."""
        return min(int(self.random() * count), count - 1)

    def bernoulli(self, probability: float) -> bool:
        """True with the given probability."""
        return self.random() < probability


class RandomStreams:
    """The random streams of one replication of one experiment.

    Args:
        seed: the experiment's seed.
        replication: the replication number (0-based).
    """

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._streams: dict[str, Stream] = {}

    def stream(self, name: str) -> Stream:
        """The stream for the process called ``name`` (created on first use)."""
        stream = self._streams.get(name)
        if stream is None:
            sequence = np.random.SeedSequence(
                entropy=self.seed, spawn_key=(self.replication, *name_key(name))
            )
            stream = self._streams[name] = Stream(sequence, name)
        return stream

    def generator(self, name: str) -> np.random.Generator:
        """A plain numpy Generator for ``name`` (independent of :meth:`stream`)."""
        sequence = np.random.SeedSequence(
            entropy=self.seed, spawn_key=(self.replication, *name_key("generator:" + name))
        )
        return np.random.Generator(np.random.PCG64(sequence))
