"""Kernel tables. Declarations only: queries and rules live in the modules that use them."""

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class ServiceFeedback(Table, tablename="service_feedback"):
    """Anonymous feedback from the phase banner's link. Kept 12 months, then deleted.

    It holds no name or contact details on purpose; the form asks people not to write any.
    """

    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    satisfaction = Varchar(length=20)
    comments = Text(default="")
    came_from = Varchar(length=200, default="")
