"""Reports, meetings and separate feedback are case data: the admin shows nothing of them (三员分立 keeps
administrators away from cases); a county's feedback rule is set by its office director through the API."""
