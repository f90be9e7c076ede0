"""The data map classifies every column, and the service will not start with a gap."""

from __future__ import annotations

from pathlib import Path

import pytest
from piccolo.columns import Varchar
from piccolo.conf.apps import Finder
from piccolo.table import Table

from app.db import all_tables
from app.factory import check_data_map, create_app, data_map
from app.keys import ConfigurationError
from tests.conftest import make_settings


class Unmapped(Table):
    nickname = Varchar()


def test_every_column_of_every_table_is_classified() -> None:
    tables = [t for t in all_tables() if t._meta.tablename != "migration"]

    assert data_map().gaps(tables) == []


def test_no_personal_column_carries_a_plain_index() -> None:
    tables = [t for t in all_tables() if t._meta.tablename != "migration"]

    assert data_map().unsafe_indexes(tables) == []


def test_an_index_on_a_sensitive_value_is_refused() -> None:
    from tests.support.people import PEOPLE_MAP, SamplePerson

    datamap = data_map()
    datamap.add(PEOPLE_MAP)
    name = SamplePerson._meta.get_column_by_name("name")
    name._meta.index = True
    try:
        assert datamap.unsafe_indexes([SamplePerson]) == ["sample_person.name"]
    finally:
        name._meta.index = False


def test_a_gap_is_named_column_by_column() -> None:
    assert data_map().gaps([Unmapped]) == ["unmapped.id", "unmapped.nickname"]


def test_the_service_refuses_to_start_with_an_unmapped_column(tmp_path: Path) -> None:
    kernel = Finder().get_app_config("kernel")
    kernel.table_classes.append(Unmapped)
    try:
        with pytest.raises(ConfigurationError, match=r"unmapped\.id, unmapped\.nickname"):
            create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite'}"))
        with pytest.raises(ConfigurationError):
            check_data_map(data_map())
    finally:
        kernel.table_classes.remove(Unmapped)
