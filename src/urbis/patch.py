"""Partial updates (PATCH) in the API: a field left out keeps its value, and ``null`` is
accepted only for a field that may really be empty.

Every field of a PATCH schema has to be optional so that it can be left out, and the plain way
to write that (``vision: str | None = None``) also let ``{"vision": null}`` through to the
database, where a NOT NULL column answered with a 500. A schema derived from ``PatchSchema``
lists the fields that may be emptied in ``nullable``; any other field refuses ``null`` with a
422 naming it, and the published OpenAPI schema says so (no ``null`` in its type).
"""

from typing import Any, ClassVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, ValidationInfo, field_validator


def _without_null(schema: dict[str, Any], model: Any) -> None:
    nullable: frozenset[str] = getattr(model, "nullable", frozenset())
    for name, prop in schema.get("properties", {}).items():
        if name in nullable or "anyOf" not in prop:
            continue
        kept = [option for option in prop["anyOf"] if option.get("type") != "null"]
        if len(kept) == len(prop["anyOf"]):
            continue
        del prop["anyOf"]
        prop.pop("default", None)
        if len(kept) == 1:
            prop.update(kept[0])
        else:
            prop["anyOf"] = kept


class PatchSchema(Schema):
    nullable: ClassVar[frozenset[str]] = frozenset()

    model_config = ConfigDict(json_schema_extra=_without_null)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError(_("may not be null; leave the field out to keep its value"))
        return value
