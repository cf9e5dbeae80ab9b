"""
The server's own error pages (400, 500, 503): complete in themselves.

They are rendered when something has already failed, so they need nothing that could fail
again: no request context (context processors may query the database), no database, and no
static file (a missing manifest entry would raise). Their few style rules travel inline, and
their Content-Security-Policy allows exactly that style block by its hash, never
'unsafe-inline'.
"""

import base64
import hashlib

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

STYLE = (
    'body{font-family:"Noto Sans KR","Noto Sans CJK KR",system-ui,sans-serif;margin:0;'
    "color:#1d2733;background:#fff}"
    "header{padding:.75rem 1rem;border-bottom:1px solid #d5dbe1}"
    "header a{font-weight:700;color:inherit;text-decoration:none}"
    "main{max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6}"
    "h1{font-size:1.5rem}a{color:#0b6e5f}"
    ".error-code{font-size:2.5rem;font-weight:700;color:#0b6e5f;margin:0}"
)
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
POLICY = (
    f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


def error_page(template_name: str, status: int) -> HttpResponse:
    response = HttpResponse(
        render_to_string(template_name, {"error_page_style": mark_safe(STYLE)}), status=status
    )
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-store"
    return response
