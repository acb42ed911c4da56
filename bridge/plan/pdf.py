"""The plan as a PDF: the same Jinja2 template through WeasyPrint, as PDF/UA-1 (tagged, /Lang nl)."""

from __future__ import annotations

from bridge.models import Plan
from bridge.plan import render

PDF_VARIANT = "pdf/ua-1"


def plan_pdf(plan: Plan, *, link: str) -> bytes:
    """A tagged PDF of the newest version: real text, reading order as in the HTML, language from <html lang>."""
    # Imported on first use: WeasyPrint loads pango when imported (scripts/ensure-system-libs.sh installs it).
    from weasyprint import CSS, HTML

    html = render.render("plan_pdf.html", **render.context(plan, mode="pdf", link=link))
    document = HTML(string=html, base_url=str(render.STATIC_DIR))
    pdf: bytes = document.write_pdf(
        stylesheets=[CSS(filename=str(render.STATIC_DIR / "plan.css"))],
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        custom_metadata=True,
    )
    return pdf
