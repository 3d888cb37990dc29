"""The pure domain: policy, working-day clock, ticket lifecycle. Imports only the standard library."""
