from django.urls import path

from .views import allocations, invoices, reports

app_name = "invoicing"
urlpatterns = [
    path("", invoices.home, name="home"),
    path("export.xlsx", invoices.invoices_excel, name="invoices_excel"),
    path("issue/", invoices.invoice_now, name="invoice_now"),
    path("batch/", invoices.batch_run, name="batch_run"),
    path("contracts/<int:pk>/", invoices.contract_invoice, name="contract_invoice"),
    path("orders/<int:pk>/", invoices.order_invoice, name="order_invoice"),
    path("<int:pk>/", invoices.invoice_detail, name="invoice"),
    path("<int:pk>/print/", invoices.invoice_print, name="invoice_print"),
    path("<int:pk>/credit/", invoices.credit_note_new, name="credit_note_new"),
    path("<int:pk>/payment/", invoices.invoice_payment_new, name="invoice_payment_new"),
    path("<int:pk>/return/", invoices.return_note_new, name="return_note_new"),
    path("<int:pk>/refund/", invoices.dealer_refund_new, name="dealer_refund_new"),
    path("<int:pk>/schedule/", invoices.payment_schedule_new, name="payment_schedule_new"),
    path("returns/<int:pk>/receive/", invoices.return_note_receive_view,
         name="return_note_receive"),
    path("credit-notes/", reports.credit_notes_page, name="credit_notes"),
    path("credit-notes/export.xlsx", reports.credit_notes_excel, name="credit_notes_excel"),
    path("receivables/", reports.receivables_page, name="receivables"),
    path("receivables/export.xlsx", reports.receivables_excel, name="receivables_excel"),
    path("instalments/", reports.instalments_due_page, name="instalments_due"),
    path("instalments/export.xlsx", reports.instalments_due_excel, name="instalments_due_excel"),
    path("figures/", reports.figures_page, name="figures"),
    path("figures/export.xlsx", reports.figures_excel, name="figures_excel"),
    path("customers/<int:customer_pk>/pay/", allocations.customer_pay, name="customer_pay"),
    path("on-account/", allocations.on_account_page, name="on_account"),
    path("sheets/<int:sheet_pk>/pay-from-account/", allocations.sheet_pay_from_account_view,
         name="sheet_pay_from_account"),
    path("allocations/<int:pk>/reverse/", allocations.allocation_reverse_view,
         name="allocation_reverse"),
    path("customers/<int:customer_pk>/preference/", reports.preference_set,
         name="preference_set"),
]
