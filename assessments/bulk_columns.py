"""What the bulk writers share: a JSON document already encoded, and a model's columns by name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.db.models import Field, Model


class JSONText(str):
    """A JSON document already encoded: written to a JSON column as it is."""

    __slots__ = ()


def columns_of(model: type[Model], names: Iterable[str]) -> list[Field]:
    # Only concrete fields are written here (get_field is typed to return relations too).
    return [cast(Field, model._meta.get_field(name)) for name in names]
