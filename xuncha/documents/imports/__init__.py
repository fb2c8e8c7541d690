"""Spreadsheet imports (.xlsx): village classification, a group's problems, a township's ledger progress.

``reader`` opens a file safely and reads rows by header name; one module per kind checks and writes rows through
the domain's actions; ``runner`` starts and runs an import (all rows or none); ``tasks`` runs large ones in the
worker; ``templates`` builds the blank sheets offered for download.
"""
