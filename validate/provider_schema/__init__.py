"""A trimmed snapshot of the AWS provider's schema, and reading it.

`aws.json` (package data) holds, for the resource and data source types of the services S3 Batch
Operations stacks use, each type's arguments (required, optional or computed), nested blocks and notes on
deprecated or repurposed names. `python -m validate.provider_schema.extract` (`make provider-schema`)
regenerates it; `validate.provider_schema.check` checks Terraform code against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from s3batch_core.errors import InputError

DEFAULT_SNAPSHOT = Path(__file__).resolve().parent / "aws.json"
REQUIRED, OPTIONAL, COMPUTED = "required", "optional", "computed"


@dataclass(frozen=True)
class Note:
    """A deprecated or repurposed name: flagged when read ("read") or whenever used ("any")."""

    when: str
    severity: str
    message: str


@dataclass(frozen=True)
class NestedBlock:
    """A nested block type: how often it may appear and its own schema."""

    block: BlockSchema
    min_items: int
    max_items: int | None


class BlockSchema:
    """One block: its arguments and attributes, its nested block types, its notes."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.arguments: dict[str, str] = dict(document.get("arguments", {}))
        self.blocks = {name: NestedBlock(BlockSchema(entry["block"]), int(entry.get("min_items", 0)), entry.get("max_items"))
                       for name, entry in document.get("blocks", {}).items()}
        self.notes = {name: Note(**note) for name, note in document.get("notes", {}).items()}

    def settable(self, name: str) -> bool:
        """True for an argument that may be set (required or optional, not computed only)."""
        return self.arguments.get(name) in (REQUIRED, OPTIONAL)

    def readable(self, name: str) -> bool:
        """True for a name an expression may read: any argument, attribute or nested block."""
        return name in self.arguments or name in self.blocks

    def required(self) -> list[str]:
        return [name for name, kind in self.arguments.items() if kind == REQUIRED]


class ProviderSchema:
    """The snapshot: which types it covers and each covered type's block schema."""

    def __init__(self, document: dict[str, Any], origin: str) -> None:
        try:
            self.provider = str(document["provider"])
            self.version = document.get("version") or "unknown"
            self._prefixes = tuple(document.get("covered_prefixes", ()))
            self._types = frozenset(document.get("covered_types", ()))
            self._blocks = {kind: {name: BlockSchema(raw) for name, raw in dict(document[kind]).items()}
                            for kind in ("resource", "data")}
        except (KeyError, TypeError) as exc:
            raise InputError(f"{origin}: not a provider schema snapshot (missing {exc})") from exc
        self.origin = origin

    def covers(self, type_name: str) -> bool:
        """True when the snapshot kept this type's service: a type of it that is absent does not exist."""
        return type_name in self._types or type_name.startswith(self._prefixes)

    def block(self, kind: str, type_name: str) -> BlockSchema | None:
        """The schema of a resource (kind "resource") or data source (kind "data") type, or None."""
        return self._blocks[kind].get(type_name)

    def type_names(self, kind: str) -> list[str]:
        """Every type of one kind ("resource" or "data") the snapshot holds."""
        return list(self._blocks[kind])


def load_schema(path: Path | None = None) -> ProviderSchema:
    """Read a snapshot (this package's by default); InputError naming the file when it cannot be read."""
    path = path or DEFAULT_SNAPSHOT
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read the provider schema snapshot: {exc}") from exc
    if not isinstance(document, dict):
        raise InputError(f"{path}: not a provider schema snapshot (not a JSON object)")
    return ProviderSchema(document, str(path))
