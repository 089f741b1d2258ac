"""The scenario format and every parameter, written out from the schema itself.

``run_sim.py params [PATTERN]`` lists the parameters (key, default, bounds, unit and source, as
their descriptions give them); ``run_sim.py schema`` writes ``docs/scenario_format.md``, the
reference of every table and key of a scenario file. Both read the pydantic models of
:mod:`sim.scenario` and :mod:`sim.parameters`, so they cannot drift from what is checked.
"""

from __future__ import annotations

import enum
import fnmatch
import inspect
import types
import typing
from dataclasses import dataclass

import annotated_types as at
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .parameters import ParameterGroup, Parameters, unit_bound
from .scenario import Scenario

HIDDEN = {"source_file", "shifted_by_days"}  # set by the loader, not by a file


@dataclass(frozen=True)
class Key:
    """One key of the schema: where it is, what it takes, its default and bounds."""

    path: str
    kind: str
    default: str
    bounds: str
    description: str


def type_name(annotation) -> str:
    """A readable name of a field's type (``float | None``, ``dict[str, float]`` ...)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in typing.get_args(annotation))
    if origin is not None:
        args = ", ".join(type_name(a) for a in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    if inspect.isclass(annotation) and issubclass(annotation, enum.Enum):
        return " | ".join(repr(m.value) for m in annotation)
    if annotation is type(None):
        return "none"
    return getattr(annotation, "__name__", str(annotation))


def bounds_of(model: type[BaseModel], name: str) -> str:
    """The bounds a field is checked against, as text."""
    field = model.model_fields[name]
    parts = []
    for rule in field.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if isinstance(rule, getattr(at, attr.capitalize())):
                parts.append(f"{sign} {getattr(rule, attr)}")
        if isinstance(rule, at.MinLen):
            parts.append(f"at least {rule.min_length} items")
    numeric = {float, int} & set(typing.get_args(field.annotation) or (field.annotation,))
    if issubclass(model, ParameterGroup) and numeric and not any(
            p.startswith("<") for p in parts):
        bound, why = unit_bound(name)
        parts.append(f"magnitude <= {bound:g} ({why})")
    return ", ".join(parts)


def default_of(model: type[BaseModel], name: str) -> str:
    """A field's default as text ('required' when a file must give it)."""
    field = model.model_fields[name]
    if field.default_factory is not None:
        value = field.default_factory()
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return "(table)"
    if isinstance(value, enum.Enum):
        return repr(value.value)
    return "none" if value is None else repr(value)


def nested_model(annotation) -> type[BaseModel] | None:
    """The model a field holds directly, in a dict or in a list (None for plain values)."""
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = nested_model(arg)
        if found is not None:
            return found
    return None


def walk(model: type[BaseModel], prefix: str = ""):
    """Every key of ``model`` (depth first), with the tables it holds: (table, keys)."""
    keys, tables = [], []
    for name, field in model.model_fields.items():
        if name in HIDDEN:
            continue
        inner = nested_model(field.annotation)
        origin = typing.get_origin(field.annotation)
        path = f"{prefix}{name}"
        keys.append(Key(path, type_name(field.annotation), default_of(model, name),
                        bounds_of(model, name), (field.description or "").strip()))
        if inner is not None:
            step = ".<id>." if origin is dict else "[]." if origin is list else "."
            tables.append((inner, path + step))
    yield model, prefix, keys
    for inner, inner_prefix in tables:
        yield from walk(inner, inner_prefix)


def parameter_keys(pattern: str | None = None) -> list[Key]:
    """Every parameter as ``parameters.<group>.<name>``, those matching ``pattern`` if given.

    ``pattern`` is a part of the key or a shell pattern (``*snow*``).
    """
    keys = [key for _, _, group in walk(Parameters, "parameters.") for key in group
            if key.path.count(".") == 2]
    if pattern:
        glob = pattern if any(c in pattern for c in "*?[") else f"*{pattern}*"
        keys = [k for k in keys if fnmatch.fnmatch(k.path, glob)]
    return keys


def format_parameters(keys: list[Key]) -> str:
    """Parameters as a readable listing: key, default and bounds, then the description."""
    lines = []
    for key in keys:
        lines.append(f"{key.path} = {key.default}" + (f"   [{key.bounds}]" if key.bounds else ""))
        if key.description:
            lines.append(f"    {key.description}")
    return "\n".join(lines)


def scenario_format_markdown() -> str:
    """docs/scenario_format.md: every table and key of a scenario file, from the schema."""
    out = ["# The scenario format", "",
           "Written by `run_sim.py schema` from the schema the loader checks "
           "(`sim/scenario.py`, `sim/parameters.py`); do not edit by hand. A scenario is a "
           "TOML file; `extends` names base files merged first (tables key by key, lists of "
           "named tables name by name); `--set key.path=value` overrides any key; "
           "`shift_schedule_days` moves the start, the phases and the arrivals. Every number "
           "must be finite; bounds are checked before anything runs.", ""]
    for model, prefix, keys in walk(Scenario):
        if not keys:
            continue
        title = prefix.rstrip(".") or "top level"
        out += [f"## `{title}`", ""]
        doc = inspect.getdoc(model) or ""
        if doc and model is not Scenario:
            out += [doc.split("\n\n")[0].replace("\n", " "), ""]
        out += ["| key | type | default | bounds | description |", "|---|---|---|---|---|"]
        for key in keys:
            name = key.path[len(prefix):]
            cells = [f"`{name}`", key.kind, key.default, key.bounds, key.description]
            out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ")
                                         for c in cells) + " |")
        out.append("")
    return "\n".join(out)
