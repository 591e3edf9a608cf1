"""What dispatch adds to other apps' pages (core.panels)."""

from aftersales.core.panels import Panel

from .views.clocks import request_clocks_panel

PANELS = {
    "service_request.detail": [
        Panel(template="dispatch/panels/request_clocks.html", context=request_clocks_panel,
              order=10),
    ],
}
