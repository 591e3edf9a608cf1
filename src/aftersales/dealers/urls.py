from django.urls import path

from .views import jobs, network, orders, reports

app_name = "dealers"
urlpatterns = [
    path("", network.home, name="home"),
    path("new/", network.dealer_edit, name="new"),
    path("<int:pk>/", network.dealer_detail, name="detail"),
    path("<int:pk>/edit/", network.dealer_edit, name="edit"),
    path("<int:pk>/state/", network.dealer_state, name="state"),
    path("<int:pk>/trainings/", network.training_add, name="training_add"),
    path("<int:dealer_pk>/contracts/new/", network.contract_edit, name="contract_new"),
    path("<int:dealer_pk>/contracts/<int:pk>/", network.contract_edit, name="contract_edit"),
    path("regions/", network.region_list, name="regions"),
    path("regions/new/", network.region_edit, name="region_new"),
    path("regions/<int:pk>/", network.region_edit, name="region_edit"),
    path("jobs/", jobs.job_list_view, name="jobs"),
    path("jobs/new/", jobs.job_new, name="job_new"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job"),
    path("jobs/<int:pk>/accept/", jobs.job_accept, name="job_accept"),
    path("jobs/<int:pk>/complete/", jobs.job_complete, name="job_complete"),
    path("jobs/<int:pk>/withdraw/", jobs.job_withdraw, name="job_withdraw"),
    path("jobs/<int:pk>/parts/add/", jobs.job_part_add, name="job_part_add"),
    path("jobs/<int:pk>/parts/<int:line>/take-off/", jobs.job_part_take_off,
         name="job_part_take_off"),
    path("jobs/<int:job>/order/", orders.order_new, name="job_order"),
    path("orders/new/", orders.order_new, name="order_new"),
    path("hand-over/<int:request_pk>/", jobs.hand_over, name="hand_over"),
    path("reports/", reports.report_list_view, name="reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("audit/", reports.audit, name="audit"),
    path("audit/<int:pk>/", reports.audit_record, name="audit_record"),
    path("archive/", reports.archive, name="archive"),
]
