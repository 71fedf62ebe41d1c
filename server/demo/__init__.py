"""Demo data for trying Valueboard out: realistic boards, teams and people, created idempotently."""
