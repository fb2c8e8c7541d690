"""Findings are case data: the admin shows nothing of them (三员分立 keeps administrators away from cases)."""
