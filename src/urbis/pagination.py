"""The one pagination every list endpoint of the API uses: ``?limit=&offset=``, both bounded.

django-ninja's own ``LimitOffsetPagination`` takes any offset, and an offset past what the
database's integers hold (``?offset=9223372036854775808``) reached the query and failed there
with a 500. Bounding both here answers such a request with a 422 problem document instead, for
every endpoint at once.
"""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
# Far beyond any list Urbis holds, and small enough that offset + limit fits a 32-bit integer.
MAX_OFFSET = 2**31 - 1 - MAX_LIMIT


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
