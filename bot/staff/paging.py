"""One page of a query's results, the same way for every list in the back-office."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", max(1, -(-self.total // self.per_page)))


def paginate(session: Session, statement: Select, page: int, per_page: int) -> Page[Any]:
    """Page ``page`` (from 1; anything lower is 1) of ``statement``'s rows, with the total
    counted on the same statement, so the two can't disagree."""
    page = max(1, page)
    total = session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    items = session.execute(statement.offset((page - 1) * per_page).limit(per_page)).scalars()
    return Page(items=list(items), total=total, page=page, per_page=per_page)
