"""Catalogue curation in the Django admin, for the "Catalogue editors" group.

Exercises are edited with their steps and pictures inline, published and retired
by action, previewed as they print, and imported or exported as catalogue JSON.
An exercise that a program uses is never deleted: the admin offers to retire it.

A package: the exercise admin (``exercise``), the rows edited inside it (``inlines``), its list
filters (``filters``) and the reference lists (``reference``). Importing it registers them all.
"""

from exercises.admin.exercise import ExerciseAdmin, status_changed_message
from exercises.admin.reference import BodyRegionAdmin, EquipmentAdmin

__all__ = ["BodyRegionAdmin", "EquipmentAdmin", "ExerciseAdmin", "status_changed_message"]
