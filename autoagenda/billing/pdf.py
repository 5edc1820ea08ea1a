"""An invoice as a PDF (fpdf2), in the client's language with the location's formats.

The font is DejaVu Sans, bundled in `billing/fonts/` (its licence, LICENSE-DejaVu.txt, allows redistributing it
unchanged), so ñ, á and € print whatever the server has installed. Numbers are grouped the way the client's
language writes them (`25.000` / `25,000`), amounts carry the invoice currency's decimals, dates are the
location's local dates.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from autoagenda.billing import selectors
from autoagenda.billing.models import CreditNote, Invoice, PaymentStatus
from autoagenda.core import money

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
PAGE_WIDTH = 180  # mm between the margins of an A4 page
COLUMNS = (86, 20, 28, 16, 30)  # description, quantity, unit price, tax %, net


def filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"


def _amount(value: Decimal, code: str) -> str:
    shown = formats.number_format(
        money.quantize(value, code), decimal_pos=money.decimals(code), use_l10n=True, force_grouping=True
    )
    return f"{shown} {code}"


def _number(value: Decimal) -> str:
    text = value.normalize() if value == value.to_integral() else value
    return formats.number_format(text, use_l10n=True, force_grouping=True)


def _rate(value: Decimal) -> str:
    return f"{formats.number_format(value.normalize(), use_l10n=True)} %"


def _status_label(invoice: Invoice) -> str:
    if invoice.cancelled_at is not None:
        return _("Cancelled")
    return str(PaymentStatus(invoice.status).label)


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.footer_text = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 7)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def _header(pdf: _Document, invoice: Invoice, title: str, number: str, issued_on: Any) -> None:
    pdf.set_font(FONT, "B", 15)
    pdf.cell(110, 8, invoice.seller_name)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(70, 8, f"{title} {number}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    seller = [invoice.seller_address, f"{_('Tax id')}: {invoice.seller_tax_id}" if invoice.seller_tax_id else ""]
    right = [f"{_('Date')}: {formats.date_format(issued_on, 'SHORT_DATE_FORMAT')}", ""]
    for left_text, right_text in zip(seller, right, strict=True):
        pdf.cell(110, 5, left_text)
        pdf.cell(70, 5, right_text, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_draw_color(180)
    pdf.line(15, pdf.get_y(), 195, pdf.get_y())
    pdf.ln(3)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(90, 5, _("Client"))
    pdf.cell(90, 5, _("Vehicle"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(90, 5, invoice.client_name)
    pdf.cell(90, 5, invoice.vehicle, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(90, 5, invoice.client_email)
    pdf.cell(90, 5, f"{_('Work order')}: {invoice.work_order_number}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)


def _lines(pdf: _Document, lines: list[Any], code: str) -> None:
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
            _number(line.quantity),
            _amount(line.unit_price, code),
            _rate(line.tax_rate),
            _amount(line.net, code),
        )
        for width, text, align in zip(COLUMNS, cells, "LRRRR", strict=True):
            pdf.cell(width, 6, text, align=align)
        pdf.ln(6)
    pdf.ln(3)


def _totals(pdf: _Document, document: Invoice | CreditNote, code: str) -> None:
    amounts = selectors.amounts_of(document)
    pdf.set_font(FONT, "B", 9)
    pdf.cell(100, 6, "")
    pdf.cell(20, 6, _("Rate"), align="R")
    pdf.cell(30, 6, _("Base"), align="R")
    pdf.cell(30, 6, _("Tax"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for band in amounts.bands:
        pdf.cell(100, 5, "")
        pdf.cell(20, 5, _rate(band.rate), align="R")
        pdf.cell(30, 5, _amount(band.base, code), align="R")
        pdf.cell(30, 5, _amount(band.tax, code), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for label, value, bold in (
        (_("Subtotal"), document.subtotal, False),
        (_("Tax"), document.tax, False),
        (_("Total"), document.total, True),
    ):
        pdf.set_font(FONT, "B" if bold else "", 11 if bold else 9)
        pdf.cell(120, 6, "")
        pdf.cell(30, 6, label, align="R")
        pdf.cell(30, 6, _amount(value, code), align="R", new_x="LMARGIN", new_y="NEXT")


def _payments(pdf: _Document, invoice: Invoice, code: str) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, f"{_('Payment status')}: {_status_label(invoice)}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 5, f"{_('Paid')}: {_amount(invoice.paid, code)} · {_('Balance')}: {_amount(invoice.balance, code)}")
    pdf.ln(5)
    for payment in invoice.payments.all():
        if payment.voided_at is not None:
            continue
        when = formats.date_format(payment.paid_on, "SHORT_DATE_FORMAT")
        pdf.cell(0, 5, f"{when} · {payment.get_method_display()} · {_amount(payment.amount, code)}")
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
        pdf.footer_text = f"{invoice.seller_name} · {invoice.number}"
        pdf.set_title(f"{_('Invoice')} {invoice.number}")
        pdf.set_author(invoice.seller_name)
        pdf.add_page()
        _header(pdf, invoice, _("Invoice"), invoice.number, invoice.issued_on)
        _lines(pdf, sorted(invoice.lines.all(), key=lambda line: line.position), code)
        _totals(pdf, invoice, code)
        _payments(pdf, invoice, code)
        return bytes(pdf.output())
