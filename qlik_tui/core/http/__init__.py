"""One connection per profile: the base, QSEoW and Cloud connections, types, diagnosis, redaction."""
