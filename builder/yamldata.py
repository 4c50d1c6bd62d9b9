"""YAML that remembers lines: editorial and translation files are data an editor
writes by hand, so a message about a record should name its line."""

from __future__ import annotations

from typing import Any

import yaml


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's line as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_with_lines(text: str) -> Any:
    """Parse YAML safely; every mapping gets ``__line__``.  Raises yaml.YAMLError."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
