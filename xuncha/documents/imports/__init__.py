"""Spreadsheet imports (.xlsx): village classification, a group's problems, a township's ledger progress.

``reader`` opens a file safely and reads rows by header name; one module per kind checks and writes rows through
the domain's actions; ``kinds`` lists them; ``templates`` builds the blank sheets offered for download. Starting and
running an import (all rows or none, large ones in the worker) are actions: ``documents.actions``.
"""
