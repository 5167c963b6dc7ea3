import { graphql } from "../gql";

export const MealCalendarQuery = graphql(`
  query MealCalendar($childId: ID!, $month: String!) {
    viewer {
      child(id: $childId) {
        id
        mealCalendar(month: $month) {
          month
          days {
            date isToday bookable
            articles { id name price { cents currency } }
            reservations { id status cancellable article { id name } price { cents currency } }
          }
        }
      }
    }
  }
`);

export const ReserveMealMutation = graphql(`
  mutation ReserveMeal($childId: ID!, $date: Date!, $articleId: ID!, $idempotencyKey: String!) {
    reserveMeal(childId: $childId, date: $date, articleId: $articleId, idempotencyKey: $idempotencyKey) {
      reservation { id }
      wallet { id balance { cents currency } }
      errors { code message field }
    }
  }
`);

export const CancelMealMutation = graphql(`
  mutation CancelMeal($reservationId: ID!) {
    cancelMealReservation(reservationId: $reservationId) {
      reservation { id status }
      wallet { id balance { cents currency } }
      errors { code message field }
    }
  }
`);
