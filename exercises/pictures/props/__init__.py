"""Props for the pictures: a registry (``registry``) and one module per kind of prop.

Every module of this package is imported here, so a prop's module registers it just by
being in the package (as Django's admin finds each app's ``admin`` module): adding a prop
is adding one module, with a :class:`Prop` dataclass, its placing method and its sizes.
"""

import importlib
import pkgutil

from exercises.pictures.props.registry import PROPS, Prop, Scene, Solid, Strap, box, kinds, register

__all__ = ["PROPS", "Prop", "Scene", "Solid", "Strap", "box", "kinds", "register"]

for _module in sorted(info.name for info in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
