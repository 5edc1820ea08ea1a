"""Every write of billing (CONTRIBUTING.md, rule 1): invoices and credit notes, payments, numbering."""

from autoagenda.billing.services.invoices import invoice_cancel, invoice_issue, invoice_issue_on_completion
from autoagenda.billing.services.payments import invoice_credit_deposit, payment_record, payment_void

__all__ = [
    "invoice_cancel",
    "invoice_credit_deposit",
    "invoice_issue",
    "invoice_issue_on_completion",
    "payment_record",
    "payment_void",
]
