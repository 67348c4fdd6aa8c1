"""OmegaConf's YAML reader on libyaml: the same loader, parsed in C.

Hydra reads every file of a case through ``OmegaConf.load``, whose loader (``omegaconf._utils.
get_yaml_loader``) is PyYAML's pure-Python ``SafeLoader`` with two changes: a duplicate key is an
error, and the float and timestamp resolvers are YAML 1.2's. A command composes a case's ~40
files twice (the check before anything is written, then Hydra's own run), and the pure-Python
scanner was a fifth of a short job's time. :func:`install` gives OmegaConf the same class built
on ``yaml.CSafeLoader`` (libyaml scans and parses; the resolvers and the constructor, with the
duplicate-key check, stay the Python ones), once per process. Without libyaml nothing changes.
"""

from __future__ import annotations

from typing import Any

_INSTALLED: list[Any] = []


def install() -> None:
    """Make OmegaConf (and so Hydra) read YAML through libyaml (idempotent)."""
    if _INSTALLED:
        return
    import yaml
    from omegaconf import _utils
    from omegaconf import omegaconf as oc

    base = getattr(yaml, "CSafeLoader", None)
    if base is None:  # pragma: no cover - PyYAML without libyaml
        _INSTALLED.append(None)
        return
    pure = _utils.get_yaml_loader()  # OmegaConf's own class: its resolvers and its constructor

    class Loader(base):  # type: ignore[misc, valid-type]
        yaml_implicit_resolvers = pure.yaml_implicit_resolvers  # OmegaConf's (YAML 1.2 floats, no timestamps)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            """A duplicate key is an error (OmegaConf's check, word for word)."""
            keys = set()
            for key_node, _ in node.value:
                if key_node.tag != yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG:
                    continue
                if key_node.value in keys:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key_node.value}",
                        key_node.start_mark,
                    )
                keys.add(key_node.value)
            return base.construct_mapping(self, node, deep=deep)

    def get_yaml_loader() -> Any:
        return Loader

    _utils.get_yaml_loader = get_yaml_loader
    oc.get_yaml_loader = get_yaml_loader
    _INSTALLED.append(Loader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` through libyaml (the same safe loader, parsed in C): a job's config.yaml
    holds the whole composed case, which the pure-Python parser took ~0.3 s to read."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
