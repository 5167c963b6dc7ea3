import { graphql } from "../gql";

export const MeetingsQuery = graphql(`
  query Meetings($childId: ID!) {
    viewer {
      child(id: $childId) {
        id
        meetings { id title startsAt endsAt bookingOpensAt bookingClosesAt }
        appointments {
          id startsAt endsAt status
          teacher { id displayName subject }
          meeting { id title }
        }
      }
    }
  }
`);

export const MeetingQuery = graphql(`
  query Meeting($childId: ID!, $meetingId: ID!) {
    node(id: $meetingId) {
      ... on Meeting {
        id title startsAt endsAt bookingOpensAt bookingClosesAt severalTeachers
        teachers { id displayName subject }
        slots { id startsAt endsAt available teacher { id } }
      }
    }
    viewer {
      child(id: $childId) {
        id
        appointments {
          id startsAt endsAt status
          teacher { id displayName }
          meeting { id }
          slot { id }
        }
      }
    }
  }
`);

// First every slot (snapshot), then the slots that changed.
export const SlotsChangedSubscription = graphql(`
  subscription SlotsChanged($meetingId: ID!) {
    meetingSlotsChanged(meetingId: $meetingId) {
      snapshot
      sequence
      slots { id startsAt endsAt available teacher { id } }
    }
  }
`);

export const BookMutation = graphql(`
  mutation Book($childId: ID!, $slotId: ID!) {
    bookAppointment(childId: $childId, slotId: $slotId) {
      appointment { id }
      errors { code message field }
    }
  }
`);

export const MoveMutation = graphql(`
  mutation Move($appointmentId: ID!, $slotId: ID!) {
    moveAppointment(appointmentId: $appointmentId, slotId: $slotId) {
      appointment { id }
      errors { code message field }
    }
  }
`);

export const CancelAppointmentMutation = graphql(`
  mutation CancelAppointment($appointmentId: ID!) {
    cancelAppointment(appointmentId: $appointmentId) {
      appointment { id status }
      errors { code message field }
    }
  }
`);
