"""Meal rows and views to contract types."""

from models.meals import MealArticle as ArticleRow
from models.meals import MealSettings
from schema.ids import to_global_id
from schema.meals import Allergen, MealArticle, MealCalendar, MealDay, MealReservation, MealRule
from schema.money import money
from services.meals.month import MonthCalendar
from services.meals.reservations import ReservationView
from services.meals.rules import MealRule as Rule


def article_type(row: ArticleRow) -> MealArticle:
    assert row.id is not None
    return MealArticle(
        id=to_global_id("MealArticle", row.id),
        db_id=row.id,
        name=row.name,
        price=money(row.price_cents),
        allergens=[Allergen(a) for a in row.allergens],
        active=row.active,
    )


def reservation_type(view: ReservationView, article: MealArticle | None = None) -> MealReservation:
    return MealReservation(
        id=to_global_id("MealReservation", view.id),
        db_id=view.id,
        date=view.day,
        article=article
        or MealArticle(
            id=to_global_id("MealArticle", view.article_id),
            db_id=view.article_id,
            name=view.article_name,
            price=money(view.price_cents),
            allergens=[],
            active=True,
        ),
        price=money(view.price_cents),
        status=view.status,
        cancellable=view.cancellable,
    )


def calendar_type(calendar: MonthCalendar) -> MealCalendar:
    days = []
    for day in calendar.days:
        articles = {a.id: article_type(a) for a in day.articles}
        reservations = []
        for row, article, open_ in day.reservations:
            assert row.id is not None and article.id is not None
            view = ReservationView(
                row.id,
                row.child_id,
                row.day,
                article.id,
                article.name,
                row.price_cents,
                row.status,
                open_,
            )
            reservations.append(
                reservation_type(view, articles.get(article.id) or article_type(article))
            )
        days.append(
            MealDay(
                date=day.day,
                is_today=day.is_today,
                bookable=day.bookable,
                articles=list(articles.values()),
                reservations=reservations,
            )
        )
    return MealCalendar(month=calendar.month, days=days)


def rule_type(settings: MealSettings | Rule) -> MealRule:
    return MealRule(
        cutoff_days_before=settings.cutoff_days_before,
        cutoff_time=settings.cutoff_time.strftime("%H:%M"),
        horizon_days=settings.horizon_days,
    )
