"""Registries of interventions and strategies, keyed by the names used in scenario files.

A user adds an intervention or a strategy by subclassing the base class and decorating
it::

    @register_strategy("my_strategy")
    class MyStrategy(Strategy):
        ...

The name can then appear in a scenario file. An unknown name is rejected with the list
of known ones and the closest match.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ipsim.errors import UnknownNameError

if TYPE_CHECKING:
    from ipsim.interventions.base import Intervention
    from ipsim.strategies.base import Strategy

T = TypeVar("T", bound=type)


class Registry[C: type]:
    """A name -> class mapping with helpful errors.

    Args:
        kind: What the registry holds, as said in messages ("strategy", "intervention").
    """

    def __init__(self, kind: str):
        self.kind = kind
        self._classes: dict[str, C] = {}

    def register(self, name: str) -> Callable[[C], C]:
        """Return a class decorator that registers the class under ``name``."""
        if not name.isidentifier() or name != name.lower():
            raise ValueError(f"{self.kind} name {name!r} must be a lower-case identifier")

        def decorate(cls: C) -> C:
            existing = self._classes.get(name)
            if existing is not None and existing is not cls:
                raise ValueError(
                    f"{self.kind} {name!r} is already registered by "
                    f"{existing.__module__}.{existing.__qualname__}"
                )
            cls.name = name  # type: ignore[attr-defined]
            self._classes[name] = cls
            return cls

        return decorate

    def get(self, name: str) -> C:
        """Return the class registered as ``name``, or raise with the known names."""
        _load_builtins()
        try:
            return self._classes[name]
        except KeyError:
            raise UnknownNameError(self.unknown_message(name)) from None

    def unknown_message(self, name: str) -> str:
        """The message for an unknown name: a close match, then every known name."""
        _load_builtins()
        known = sorted(self._classes)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown {self.kind} '{name}'; {hint}known: {', '.join(known)}"

    def names(self) -> list[str]:
        """All registered names, sorted."""
        _load_builtins()
        return sorted(self._classes)

    def __contains__(self, name: object) -> bool:
        _load_builtins()
        return name in self._classes

    def items(self) -> list[tuple[str, C]]:
        """``(name, class)`` pairs, sorted by name."""
        _load_builtins()
        return sorted(self._classes.items())


INTERVENTIONS: Registry[type[Intervention]] = Registry("intervention")
STRATEGIES: Registry[type[Strategy]] = Registry("strategy")


def register_intervention(name: str) -> Callable[[T], T]:
    """Class decorator: register an :class:`~ipsim.interventions.base.Intervention`."""
    return INTERVENTIONS.register(name)  # type: ignore[return-value]


def register_strategy(name: str) -> Callable[[T], T]:
    """Class decorator: register a :class:`~ipsim.strategies.base.Strategy`."""
    return STRATEGIES.register(name)  # type: ignore[return-value]


def _load_builtins() -> None:
    """Import the built-in interventions and strategies (idempotent, no scanning)."""
    import ipsim.interventions.builtin
    import ipsim.strategies.builtin  # noqa: F401
