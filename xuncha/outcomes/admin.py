"""Outcomes are case data: the admin shows nothing of them (三员分立 keeps administrators away from cases); every
write goes through the actions, every read through the pages and the API."""
