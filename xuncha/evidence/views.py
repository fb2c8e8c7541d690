"""Serving an evidence file. Each owner's view finds the file through its owner's ``visible_to`` and hands it here;
this module never decides who may read a file."""

from __future__ import annotations

from django.http import FileResponse, Http404

from xuncha.evidence.models import Evidence


def evidence_response(evidence: Evidence) -> FileResponse:
    """The file of an evidence row the caller has found through its owner's ``visible_to``."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = evidence.is_image or evidence.content_type == "application/pdf"
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment=not inline,
        filename=evidence.original_name,
    )
    # Whatever the file holds, the browser must not run it as a page of this site.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
