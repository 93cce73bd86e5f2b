"""Module inputs and outputs computed one value at a time, on first use.

Terraform orders evaluation by the dependencies between single values, not
between module calls: module A's output `x` may use module B's output `y`
while B's inputs use A's other outputs, whatever the order of the blocks. So
each input variable and each output of a module instance is computed on its
own when first referenced, once, and a reference cycle is detected per value:
only the values on the cycle (and what uses them) are unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tfguard.load.evaluate import Scope, evaluate
from tfguard.load.hcl_expr import Node
from tfguard.load.values import unknown_from
from tfguard.model import EvalError, Unknown, is_unknown

Where = tuple[str, int] | None  # file and line of a value's definition


@dataclass
class Cycles:
    """The values being computed now, shared by every module instance of one configuration."""

    active: dict[str, Where] = field(default_factory=dict)  # ordered: the chain
    found: dict[str, Where] = field(default_factory=dict)  # values seen on a cycle, and where they are

    def compute(self, key: str, fn: Callable[[], Any], where: Where = None) -> Any:
        if key in self.active:
            chain = list(self.active)
            self.found.update({k: self.active[k] for k in chain[chain.index(key):]})
            return Unknown(f"{key} depends on itself")
        self.active[key] = where
        try:
            return fn()
        finally:
            self.active.pop(key, None)


class LazyValues(Mapping[str, Any]):
    """name -> value, each computed by `compute(name)` on first use (through `cycles`)."""

    def __init__(self, names: Mapping[str, Where], compute: Callable[[str], Any], cycles: Cycles, prefix: str) -> None:
        self._names = names
        self._compute = compute
        self._cycles = cycles
        self._prefix = prefix
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._cache:
            value = self._cycles.compute(self._prefix + name, lambda: self._compute(name), self._names[name])
            self._cache.setdefault(name, value)
        return self._cache[name]

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class Instance:
    """What a module call needs of one of its instances."""

    outputs: LazyValues

    def run(self) -> None:
        raise NotImplementedError


@dataclass
class ModuleCall:
    """The instances of one `module` block: keyed by count index or for_each key,
    or one instance (key None) when there is neither or the keys are not known."""

    name: str
    kind: str  # "count", "for_each" or "" (neither)
    instances: dict[Any, Instance]
    ran: bool = False

    def reference(self, steps: tuple[Node, ...], scope: Scope, depth: int) -> tuple[Any, tuple[Node, ...]]:
        """The value `module.<name>` followed by `steps` selects, and the steps left to apply."""
        if self.kind and steps and steps[0][0] == "index":
            key = evaluate(steps[0][1], scope, depth)
            if is_unknown(key):
                return unknown_from([key], "a module instance key is not known statically"), ()
            if None in self.instances:  # keys not known: one instance stands for all
                value, rest = _select(self.instances[None], self.name, steps[1:])
                return unknown_from([value], f"the instances of module.{self.name} are not known statically"), rest
            instance = self.instances.get(_key(self.kind, key))
            if instance is None:
                return EvalError(f"module.{self.name} has no instance {key!r}"), ()
            return _select(instance, self.name, steps[1:])
        if not self.kind or None in self.instances:
            if self.kind and None in self.instances:
                return Unknown(f"the instances of module.{self.name} are not known statically"), ()
            return _select(self.instances[None], self.name, steps)
        whole = {k: dict(i.outputs) for k, i in self.instances.items()}
        if self.kind == "count":
            return [whole[k] for k in sorted(whole)], steps
        return {str(k): v for k, v in whole.items()}, steps

    def run(self) -> None:
        if not self.ran:
            self.ran = True
            for instance in self.instances.values():
                instance.run()


def _key(kind: str, key: Any) -> Any:
    if kind == "count":
        try:
            return int(key)
        except (TypeError, ValueError):
            return None
    return str(key)


def _select(instance: Instance, name: str, steps: tuple[Node, ...]) -> tuple[Any, tuple[Node, ...]]:
    if steps and steps[0][0] == "attr":
        output = steps[0][1]
        if output not in instance.outputs:
            return EvalError(f"module.{name} has no output {output!r}"), ()
        return instance.outputs[output], steps[1:]
    return dict(instance.outputs), steps
