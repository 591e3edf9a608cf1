from django.urls import path

from .views import counts as ct
from .views import home
from .views import loans as ln
from .views import prices as pr
from .views import requests as mr
from .views import returns as rt
from .views import stock as st

app_name = "parts"
urlpatterns = [
    path("", home.parts_home, name="home"),
    path("counts/", ct.stock_count_list, name="counts"),
    path("counts/open/", ct.stock_count_open, name="count_open"),
    path("counts/<int:pk>/", ct.stock_count_detail, name="count"),
    path("counts/<int:pk>/print/", ct.stock_count_print, name="count_print"),
    path("counts/<int:pk>/lines/<int:line>/", ct.stock_count_line, name="count_line"),
    path("counts/<int:pk>/found/", ct.stock_count_found, name="count_found"),
    path("counts/<int:pk>/<str:step>/", ct.stock_count_step, name="count_step"),
    path("material-requests/", mr.material_request_list, name="material_requests"),
    path("material-requests/export/", mr.material_request_export,
         name="material_requests_export"),
    path("material-requests/new/", mr.material_request_new, name="material_request_new"),
    path("material-requests/new/<int:job>/", mr.material_request_new,
         name="material_request_new_for_job"),
    path("material-requests/<int:pk>/", mr.material_request_detail, name="material_request"),
    path("material-requests/<int:pk>/pick-list/", mr.print_pick_list,
         name="material_request_pick_list"),
    path("material-requests/<int:pk>/shipping-order/", mr.print_shipping_order,
         name="material_request_shipping_order"),
    path("material-requests/<int:pk>/payments/", mr.material_request_payment,
         name="material_request_payment"),
    path("material-requests/<int:pk>/returns/", mr.material_request_return,
         name="material_request_return"),
    path("material-requests/<int:pk>/<str:step>/", mr.material_request_step,
         name="material_request_step"),
    path("stock/", st.stock_places, name="stock_places"),
    path("stock/low/", st.stock_low, name="stock_low"),
    path("stock/moves/", st.stock_moves, name="stock_moves"),
    path("stock/moves/export/", st.stock_moves_export, name="stock_moves_export"),
    path("stock/receipt/", st.stock_receipt, name="stock_receipt"),
    path("stock/transfer/", st.stock_transfer, name="stock_transfer"),
    path("stock/scrap/", st.stock_scrap, name="stock_scrap"),
    path("stock/<int:pk>/", st.stock_place, name="stock_place"),
    path("prices/", pr.price_list_page, name="prices"),
    path("prices/export/", pr.price_list_export, name="prices_export"),
    path("prices/print/", pr.price_list_print, name="prices_print"),
    path("prices/import/", pr.price_import, name="price_import"),
    path("prices/import/confirm/", pr.price_import_confirm, name="price_import_confirm"),
    path("prices/import/template/", pr.price_import_template, name="price_import_template"),
    path("prices/<int:pk>/", pr.part_prices, name="part_prices"),
    path("prices/<int:pk>/fits/", pr.part_fits, name="part_fits"),
    path("returns/", rt.return_list, name="returns"),
    path("returns/export.xlsx", rt.returns_excel, name="returns_excel"),
    path("returns/deductions/", rt.return_deductions, name="return_deductions"),
    path("returns/deductions.xlsx", rt.return_deductions_excel, name="return_deductions_excel"),
    path("returns/<int:pk>/<str:step>/", rt.return_step, name="return_step"),
    path("loans/", ln.loan_list, name="loans"),
    path("loans/export.xlsx", ln.loans_excel, name="loans_excel"),
    path("loans/new/", ln.loan_new, name="loan_new"),
    path("loans/<int:pk>/return/", ln.loan_back, name="loan_back"),
]
