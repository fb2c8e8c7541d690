"""Nothing of the planning app is in the admin: plans, declarations, enquiries and leads are case data, read and
written only through the pages and the API, scoped by ``visible_to``."""
