"""An invoice as a PDF (fpdf2), in the client's language with the number and date formats of the location's
country (a Madrid invoice in English still writes 211,36 EUR and 01/12/2026).

The font is DejaVu Sans, bundled in `billing/fonts/` cut down to Latin (fonts/README.md; its licence allows
it), so ñ, á and € print whatever the server has installed. Amounts carry the invoice currency's decimals; dates
are the location's local dates.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import TextMode

from autoagenda.billing import selectors
from autoagenda.billing.models import CreditNote, Invoice, PaymentStatus
from autoagenda.core import money

# fontTools logs every glyph it keeps when it subsets the font, at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
PAGE_WIDTH = 180  # mm between the margins of an A4 page
COLUMNS = (80, 18, 34, 18, 30)  # description, quantity, unit price, tax %, net


def filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"


@dataclass(frozen=True)
class NumberFormats:
    """How the location's country writes numbers and dates (the client's language only chooses the words)."""

    decimal: str = ","
    thousands: str = "."
    date_pattern: str = "%d-%m-%Y"

    def number(self, value: Decimal, places: int | None = None) -> str:
        if places is None:
            places = 0 if value == value.to_integral() else max(0, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
        text = f"{abs(value):,.{places}f}"
        text = text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.thousands)
        return f"-{text}" if value < 0 else text

    def amount(self, value: Decimal, code: str) -> str:
        return f"{self.number(money.quantize(value, code), money.decimals(code))} {code}"

    def rate(self, value: Decimal) -> str:
        return f"{self.number(value)} %"

    def date(self, value: dt.date) -> str:
        return value.strftime(self.date_pattern)


# Countries whose conventions differ from the Spanish-speaking default (25.000,50; 01-12-2026).
COUNTRY_FORMATS: dict[str, NumberFormats] = {
    "ES": NumberFormats(date_pattern="%d/%m/%Y"),
    "PT": NumberFormats(thousands=" ", date_pattern="%d/%m/%Y"),
    "FR": NumberFormats(thousands=" ", date_pattern="%d/%m/%Y"),
    "DE": NumberFormats(date_pattern="%d.%m.%Y"),
    "IT": NumberFormats(date_pattern="%d/%m/%Y"),
    "MX": NumberFormats(decimal=".", thousands=",", date_pattern="%d/%m/%Y"),
    "GB": NumberFormats(decimal=".", thousands=",", date_pattern="%d/%m/%Y"),
    "US": NumberFormats(decimal=".", thousands=",", date_pattern="%m/%d/%Y"),
}


def formats_for(country: str) -> NumberFormats:
    return COUNTRY_FORMATS.get((country or "").upper(), NumberFormats())


def _status_label(invoice: Invoice) -> str:
    if invoice.cancelled_at is not None:
        return _("Cancelled")
    return str(PaymentStatus(invoice.status).label)


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans-Latin.ttf"))
        self.footer_text = ""
        self.fmt = NumberFormats()

    def set_font(self, family: str | None = None, style: Any = "", size: float = 0) -> None:
        """One embedded font (subsetting it is most of the PDF's cost): bold is the regular glyphs filled and
        stroked with a thin line, which prints and reads as bold."""
        bold = "B" in str(style)
        super().set_font(family, "", size)
        if not bold and self.text_mode != TextMode.FILL and self.page:
            self._out("0 Tr")  # fpdf2 writes a text mode only when it is not plain fill: end the stroking here
        self.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL
        self.set_line_width(0.18 if bold else 0.2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 7)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def _header(pdf: _Document, invoice: Invoice, title: str, number: str, issued_on: Any) -> None:
    fmt = pdf.fmt
    pdf.set_font(FONT, "B", 15)
    pdf.cell(110, 8, invoice.seller_name)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(70, 8, f"{title} {number}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    tax_id = _("Tax id: %(tax_id)s") % {"tax_id": invoice.seller_tax_id} if invoice.seller_tax_id else ""
    seller = [invoice.seller_address, tax_id]
    right = [_("Date: %(date)s") % {"date": fmt.date(issued_on)}, ""]
    for left_text, right_text in zip(seller, right, strict=True):
        pdf.cell(110, 5, left_text)
        pdf.cell(70, 5, right_text, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_draw_color(180)
    pdf.line(15, pdf.get_y(), 195, pdf.get_y())
    pdf.set_draw_color(0)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(90, 5, _("Client"))
    pdf.cell(90, 5, _("Vehicle"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(90, 5, invoice.client_name)
    pdf.cell(90, 5, invoice.vehicle, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(90, 5, invoice.client_email)
    work_order = _("Work order: %(number)s") % {"number": invoice.work_order_number}
    pdf.cell(90, 5, work_order, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)


def _lines(pdf: _Document, lines: list[Any], code: str) -> None:
    fmt = pdf.fmt
    heads = (_("Description"), _("Quantity"), _("Unit price"), _("Tax"), _("Net"))
    pdf.set_font(FONT, "B", 9)
    pdf.set_fill_color(235)
    for width, head, align in zip(COLUMNS, heads, "LRRRR", strict=True):
        pdf.cell(width, 7, head, align=align, fill=True)
    pdf.ln(7)
    pdf.set_font(FONT, "", 9)
    for line in lines:
        cells = (
            line.description[:70],
            fmt.number(line.quantity),
            fmt.amount(line.unit_price, code),
            fmt.rate(line.tax_rate),
            fmt.amount(line.net, code),
        )
        for width, text, align in zip(COLUMNS, cells, "LRRRR", strict=True):
            pdf.cell(width, 6, text, align=align)
        pdf.ln(6)
    pdf.ln(3)


def _totals(pdf: _Document, document: Invoice | CreditNote, code: str) -> None:
    fmt = pdf.fmt
    amounts = selectors.amounts_of(document)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(100, 6, "")
    pdf.cell(20, 6, _("Rate"), align="R")
    pdf.cell(30, 6, _("Base"), align="R")
    pdf.cell(30, 6, _("Tax"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for band in amounts.bands:
        pdf.cell(100, 5, "")
        pdf.cell(20, 5, fmt.rate(band.rate), align="R")
        pdf.cell(30, 5, fmt.amount(band.base, code), align="R")
        pdf.cell(30, 5, fmt.amount(band.tax, code), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label, value, bold in (
        (_("Subtotal"), document.subtotal, False),
        (_("Tax"), document.tax, False),
        (_("Total"), document.total, True),
    ):
        pdf.set_font(FONT, "B" if bold else "", 11 if bold else 9)
        pdf.cell(120, 6, "")
        pdf.cell(30, 6, label, align="R")
        pdf.cell(30, 6, fmt.amount(value, code), align="R", new_x="LMARGIN", new_y="NEXT")


def _payments(pdf: _Document, invoice: Invoice, code: str) -> None:
    fmt = pdf.fmt
    pdf.ln(4)
    pdf.set_font(FONT, "B", 10)
    status = _("Payment status: %(status)s") % {"status": _status_label(invoice)}
    pdf.cell(0, 6, status, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    sums = _("Paid: %(paid)s · Balance: %(balance)s") % {
        "paid": fmt.amount(invoice.paid, code),
        "balance": fmt.amount(invoice.balance, code),
    }
    pdf.cell(0, 5, sums)
    pdf.ln(5)
    for payment in invoice.payments.all():
        if payment.voided_at is not None:
            continue
        when = fmt.date(payment.paid_on)
        pdf.cell(0, 5, f"{when} · {payment.get_method_display()} · {fmt.amount(payment.amount, code)}")
        pdf.ln(5)
    if invoice.cancelled_at is not None:
        note = selectors.credit_note_of(invoice)
        pdf.ln(2)
        pdf.set_font(FONT, "B", 9)
        text = _("Cancelled by credit note %(number)s: %(reason)s") % {
            "number": note.number if note else "",
            "reason": invoice.cancel_reason,
        }
        pdf.multi_cell(0, 5, text)


def invoice_pdf(invoice: Invoice, *, language: str | None = None) -> bytes:
    """The invoice (with its lines, tax table, totals and payment status) in `language`, else the client's."""
    language = language or getattr(invoice.client, "language", "") or settings.LANGUAGE_CODE
    code = invoice.currency
    with translation.override(language):
        pdf = _Document()
        pdf.fmt = formats_for(invoice.location.country)
        pdf.footer_text = f"{invoice.seller_name} · {invoice.number}"
        pdf.set_title(_("Invoice %(number)s") % {"number": invoice.number})
        pdf.set_author(invoice.seller_name)
        pdf.add_page()
        _header(pdf, invoice, _("Invoice"), invoice.number, invoice.issued_on)
        _lines(pdf, sorted(invoice.lines.all(), key=lambda line: line.position), code)
        _totals(pdf, invoice, code)
        _payments(pdf, invoice, code)
        return bytes(pdf.output())
