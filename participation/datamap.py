"""The participation domain's entries in the data map (app/datamap.py): a TableMap per table."""

from app.datamap import TableMap

MAPS: tuple[TableMap, ...] = ()
