"""The group's records are case data: the admin shows none of them (三员分立)."""
