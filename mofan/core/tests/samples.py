"""Small real files for upload tests, made on the spot (uploads are parsed, not just sniffed)."""

from io import BytesIO


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF of blank A4 pages, as pypdf writes it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buf = BytesIO()
    writer.write(buf)
    return buf.getvalue()
