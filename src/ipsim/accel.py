"""Optional compiled kernels (numba) for the hottest loops, with a pure-numpy fallback.

When numba is installed (the ``fast`` extra, which ``make run`` and ``make test``
install), a few per-step loops run compiled: the inversion samplers and the partner
choice of :mod:`ipsim.sampling`, the Bass adoption probability, the two passes over the
partnership links and the yearly merge of new links into
:class:`ipsim.network.PartnershipNetwork`. Without numba, or with the environment
variable ``IPSIM_NUMBA=0``, the same operations run as numpy array code.
Both give the same counts, and floats that agree to rounding: the compiled loops do the
same operations in the same order, and ``exp``, ``log1p`` and ``expm1`` are numpy's for
both (in practice the results are identical bit for bit).

:func:`use_numba` switches the choice for a block of code (the tests run the model both
ways); the compiled functions are built on first use and cached on disk by numba.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

ENV_VAR = "IPSIM_NUMBA"
"""Set to ``0`` to use the pure-numpy code even when numba is installed."""


def available() -> bool:
    """Whether numba can be imported."""
    return importlib.util.find_spec("numba") is not None


_enabled: bool = available() and os.environ.get(ENV_VAR, "1").strip().lower() not in (
    "0",
    "false",
    "no",
    "off",
)


def enabled() -> bool:
    """Whether the compiled kernels are in use."""
    return _enabled


@contextmanager
def use_numba(flag: bool) -> Iterator[None]:
    """Use (or not) the compiled kernels inside a ``with`` block.

    Raises:
        RuntimeError: ``flag`` is true and numba is not installed.
    """
    global _enabled
    if flag and not available():
        raise RuntimeError("numba is not installed (pip install 'ipsim[fast]')")
    before = _enabled
    _enabled = flag
    try:
        yield
    finally:
        _enabled = before


_kernels: ModuleType | None = None


def kernels() -> ModuleType:
    """The compiled kernels (imports numba and compiles or loads them on first call)."""
    global _kernels
    if _kernels is None:
        from ipsim import _kernels as module

        module.warm_up()
        _kernels = module
    return _kernels
