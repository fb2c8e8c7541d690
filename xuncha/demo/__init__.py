"""The Longsheng County demo: real divisions, invented people and plausible inspection work."""
