from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import (
    billing,
    care,
    complaints,
    contracts,
    dealers,
    dispatch,
    feedback,
    invoicing,
    maintenance,
    material_requests,
    parts,
    returns_loans,
    seminars,
    shop,
    statements,
    stock_counts,
    views,
    warranty,
)

router = DefaultRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("product-models", views.ProductModelViewSet, basename="product-model")
router.register("installed-products", views.InstalledProductViewSet, basename="installed-product")
router.register("service-requests", views.ServiceRequestViewSet, basename="service-request")
router.register("parts", parts.PartViewSet, basename="part")
router.register("warehouses", parts.WarehouseViewSet, basename="warehouse")
router.register("stock", parts.StockBalanceViewSet, basename="stock")
router.register("stock-moves", parts.StockMoveViewSet, basename="stock-move")
router.register("material-requests", material_requests.MaterialRequestViewSet,
                basename="material-request")
router.register("return-obligations", returns_loans.ReturnObligationViewSet,
                basename="return-obligation")
router.register("loans", returns_loans.LoanViewSet, basename="loan")
# Each area's API module lists its own routes.
for module in (billing, invoicing, contracts, warranty, complaints, dealers, maintenance, care,
               seminars, shop, feedback, stock_counts, dispatch, statements):
    for prefix, viewset, basename in module.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("v1/auth/token/", views.TokenView.as_view(), name="api-token"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
