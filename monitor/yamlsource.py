"""YAML to plain values with a line number for every key, and ${ENV} interpolation."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass
class LoadedYaml:
    """A parsed document: plain values, the line of each key path, and problems found."""

    data: Any
    path: Path
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def line_of(self, key_path: Path_) -> int | None:
        """The line of the deepest known ancestor of key_path (1-based)."""
        probe = tuple(key_path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), None)

    def where(self, key_path: Path_) -> str:
        line = self.line_of(key_path)
        return f"{self.path}:{line}" if line is not None else str(self.path)


def format_key(key_path: Path_) -> str:
    """`watches[0].figures[1].terms`."""
    out = ""
    for part in key_path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def load_yaml(path: Path, env: Mapping[str, str] | None = None) -> LoadedYaml:
    """Parse one YAML file; never raises for content problems (they land in .problems)."""
    environ = os.environ if env is None else env
    result = LoadedYaml(data=None, path=path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        result.problems.append(f"{path}: cannot read config file: {exc.strerror or exc}")
        return result
    except UnicodeDecodeError as exc:
        result.problems.append(f"{path}: config file is not UTF-8 ({exc.reason})")
        return result
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            result.data = {}
            return result
        result.data = _convert(node, (), loader, result, environ)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        where = f"{path}:{line}" if line else str(path)
        result.problems.append(f"{where}: invalid YAML: {exc.problem or exc}")
    except yaml.YAMLError as exc:
        result.problems.append(f"{path}: invalid YAML: {exc}")
    finally:
        loader.dispose()
    return result


def _convert(
    node: yaml.Node,
    key_path: Path_,
    loader: yaml.SafeLoader,
    out: LoadedYaml,
    env: Mapping[str, str],
) -> Any:
    line = node.start_mark.line + 1
    out.lines.setdefault(key_path, line)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        out.problems.append(
            f"{out.path}:{line}: {format_key(key_path)}: unsupported YAML tag {node.tag!r} "
            "(only plain values are allowed)"
        )
        return None
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            child = (*key_path, key)
            if key in mapping:
                out.problems.append(
                    f"{path_line(out, key_node)}: {format_key(child)}: duplicate key "
                    "(the later value would silently win; keep one)"
                )
            out.lines[child] = key_node.start_mark.line + 1
            mapping[key] = _convert(value_node, child, loader, out, env)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*key_path, index)
            out.lines[child] = item.start_mark.line + 1
            items.append(_convert(item, child, loader, out, env))
        return items
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        out.problems.append(
            f"{out.path}:{line}: {format_key(key_path)}: unsupported YAML tag {node.tag!r} "
            "(only plain values are allowed)"
        )
        return None
    if isinstance(value, str) and "${" in value:
        return _interpolate(value, key_path, line, out, env)
    return value


def path_line(out: LoadedYaml, node: yaml.Node) -> str:
    return f"{out.path}:{node.start_mark.line + 1}"


def _interpolate(
    value: str, key_path: Path_, line: int, out: LoadedYaml, env: Mapping[str, str]
) -> str:
    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        out.problems.append(
            f"{out.path}:{line}: {format_key(key_path)}: environment variable {name} is not set "
            f"(export it, or write ${{{name}:-default}})"
        )
        return ""

    return _ENV.sub(replace, value)
