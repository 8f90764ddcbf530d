"""Message catalogs: every word a person hears or reads, by language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Catalog:
    """The strings of one language; `t` formats one by key, falling back to the default."""

    language: str
    strings: Mapping[str, str]
    fallback: Mapping[str, str] = field(default_factory=dict)

    def t(self, key: str, /, **values: object) -> str:
        template = self.strings.get(key) or self.fallback.get(key)
        if template is None:
            raise KeyError(f"no message {key!r} in catalog {self.language!r}")
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return key in self.strings or key in self.fallback
