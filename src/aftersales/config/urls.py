from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from aftersales.core.views import attachment_download, health
from aftersales.web.views import admin_login

urlpatterns = [
    path("health/", health, name="health"),
    path("files/<int:pk>/", attachment_download, name="attachment"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("aftersales.api.urls")),
    path("admin/login/", admin_login),  # the admin's log-in, with the staff log-in's limits
    path("admin/", admin.site.urls),
    path("portal/", include("aftersales.portal.urls")),
    path("customers/", include("aftersales.customers.urls")),
    path("field/", include("aftersales.field.urls")),
    path("parts/", include("aftersales.parts.urls")),
    path("billing/", include("aftersales.billing.urls")),
    path("invoicing/", include("aftersales.invoicing.urls")),
    path("warranty/", include("aftersales.warranty.urls")),
    path("complaints/", include("aftersales.complaints.urls")),
    path("dealers/", include("aftersales.dealers.urls")),
    path("maintenance/", include("aftersales.maintenance.urls")),
    path("care/", include("aftersales.care.urls")),
    path("shop/", include("aftersales.shop.urls")),
    path("", include("aftersales.dispatch.urls")),
    path("reports/", include("aftersales.reports.urls")),
    path("feedback/", include("aftersales.feedback.urls")),
    path("s/", include("aftersales.feedback.urls_public")),
    path("", include("aftersales.service.urls")),
    path("", include("aftersales.web.urls")),
]

# The product's own error pages; JSON under /api/ (web/errors.py).
handler400 = "aftersales.web.errors.bad_request"
handler403 = "aftersales.web.errors.permission_denied"
handler404 = "aftersales.web.errors.page_not_found"
handler500 = "aftersales.web.errors.server_error"

if settings.BENCH_ENDPOINTS:
    # The framework's floor for bench/intake: a bare view that inserts one row.
    urlpatterns.append(path("bench/", include("aftersales.demo.urls")))
