"""The browser's way in: the session cookie set at sign-in, the cross-site checks that keep
other sites from acting with it, GraphQL-over-HTTP media types, and the dashboard's files."""
