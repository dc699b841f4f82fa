"""A seated leg extension machine: the pad in front of the shins, lifted by straightening
the knees (see ``seated_machine`` for the sizes).
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import register
from exercises.pictures.props.seated_machine import SeatedMachine


@dataclass(frozen=True)
class LegExtensionMachine(SeatedMachine):
    kind: str = "leg-extension-machine"
    pad_side: float = 1.0


register(LegExtensionMachine())
