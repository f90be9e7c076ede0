"""The payments domain's entries in the data map (see app/datamap.py): one TableMap per table."""

from app.datamap import TableMap

MAPS: tuple[TableMap, ...] = ()
