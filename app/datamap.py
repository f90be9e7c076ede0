"""The data map: the council's record of processing, kept in code next to the tables.

Every column of every table is either a mapped personal field (purpose, lawful basis, special
category condition, protection, retention, who may see it) or listed as not personal. The
service refuses to start when a column is neither, so a new column cannot slip in unprotected.
Each domain declares its ``TableMap``s in its ``datamap.py``; ``reciprocity data-map`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from piccolo.table import Table


class Protection(StrEnum):
    encrypted = "encrypted"
    blind_indexed = "encrypted, blind-indexed"
    plain = "plain"


class KeyOwner(StrEnum):
    """Whose data key encrypts a field: the person's (erased with them) or finance's (kept)."""

    subject = "subject"
    finance = "finance"


class Role(StrEnum):
    participant = "participant"
    coordinator = "coordinator"
    organiser = "organiser"
    finance = "finance"
    admin = "admin"


SEALED_WITH = "sealed_with"
"""Column every table with encrypted fields has: the format and index version of its row."""

STAFF = frozenset({Role.coordinator, Role.organiser, Role.finance, Role.admin})


@dataclass(frozen=True)
class BlindIndex:
    """An equality-lookup index on an encrypted field; ``kind`` picks the normaliser."""

    column: str
    kind: str  # "email" or "phone"


@dataclass(frozen=True)
class PersonalField:
    column: str
    group: str
    purpose: str
    lawful_basis: str
    retention: str
    visible_to: frozenset[Role]
    protection: Protection = Protection.encrypted
    special_category: str = ""
    key: KeyOwner = KeyOwner.subject
    blind_index: BlindIndex | None = None
    identifier: bool = False
    """A high-cardinality pseudonymous id (a subject UUID) that may carry a database index."""
    exported: bool = True
    """False for what a subject access export must leave out: credentials, other people's ids."""


@dataclass(frozen=True)
class TableMap:
    """How one table's columns are classified; ``owner_column`` names whose data a row is."""

    table: type[Table]
    fields: tuple[PersonalField, ...] = ()
    not_personal: tuple[str, ...] = ()
    owner_column: str = ""
    logical_name: str = ""
    subject_column: str = ""
    """Whose data a plain row is, when no data key owns it (``owner_column`` otherwise)."""
    kept_on_erasure: str = ""
    """Why rows stay when their subject is erased (empty: they are deleted)."""
    export_context: tuple[str, ...] = ()
    """Not-personal columns a subject access export adds to explain each row (dates, states)."""

    @property
    def name(self) -> str:
        return self.logical_name or self.table._meta.tablename

    @property
    def subject(self) -> str:
        """The column naming the data subject of each row, or "" for tables about nobody."""
        return self.subject_column or self.owner_column

    @property
    def exported(self) -> tuple[PersonalField, ...]:
        return tuple(f for f in self.fields if f.exported)

    @property
    def encrypted(self) -> tuple[PersonalField, ...]:
        return tuple(f for f in self.fields if f.protection is not Protection.plain)

    def classified_columns(self) -> set[str]:
        index_columns = {f.blind_index.column for f in self.fields if f.blind_index}
        marker = {SEALED_WITH} if self.encrypted else set()
        return {f.column for f in self.fields} | set(self.not_personal) | index_columns | marker


@dataclass
class DataMap:
    tables: dict[str, TableMap] = field(default_factory=dict)

    def add(self, *maps: TableMap) -> None:
        for table_map in maps:
            self.tables[table_map.table._meta.tablename] = table_map

    def for_table(self, table: type[Table]) -> TableMap:
        return self.tables[table._meta.tablename]

    def unsafe_indexes(self, tables: list[type[Table]]) -> list[str]:
        """Database indexes on personal columns other than blind indexes and identifiers.

        An index on a low-cardinality sensitive value (a disability flag, a benefit) would let
        anyone with the database count and group people by it, so none is allowed.
        """
        problems = []
        for table in tables:
            table_map = self.tables.get(table._meta.tablename)
            personal = {f.column: f for f in table_map.fields} if table_map else {}
            for column in table._meta.columns:
                field = personal.get(column._meta.db_column_name)
                indexed = column._meta.index or column._meta.unique
                if field is not None and indexed and not field.identifier:
                    problems.append(f"{table._meta.tablename}.{column._meta.db_column_name}")
        return problems

    def gaps(self, tables: list[type[Table]]) -> list[str]:
        """Columns no map classifies, as ``table.column``; empty when the map is complete."""
        problems = []
        for table in tables:
            table_map = self.tables.get(table._meta.tablename)
            classified = table_map.classified_columns() if table_map else set()
            problems += [
                f"{table._meta.tablename}.{column._meta.db_column_name}"
                for column in table._meta.columns
                if column._meta.db_column_name not in classified
            ]
        return problems
