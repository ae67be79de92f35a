"""Use cases: each takes a unit of work and the caller, owns its transaction, and
raises the typed errors of :mod:`spar.services.errors`, mapped once at the edges."""
