from django.urls import path

from .views import accounts, home, notices, referrals

app_name = "care"
urlpatterns = [
    path("", home.care_home, name="home"),
    path("messages/send/", home.care_message_send, name="message_send"),
    path("key-accounts/", accounts.key_account_list_view, name="key_accounts"),
    path("key-accounts/<int:pk>/", accounts.key_account_detail, name="key_account"),
    path("key-accounts/<int:pk>/edit/", accounts.key_account_edit, name="key_account_edit"),
    path("key-accounts/kpis/", accounts.manager_kpi_view, name="kpis"),
    path("customers/<int:customer>/key-account/", accounts.key_account_mark, name="mark"),
    path("customers/<int:customer>/visits/", accounts.visit_record, name="visit_record"),
    path("customers/<int:customer>/visit-plans/", accounts.visit_plan_add, name="visit_plan_add"),
    path("referrals/", referrals.referral_list, name="referrals"),
    path("referrals/<int:pk>/close/", referrals.referral_close, name="referral_close"),
    path("value/", referrals.value_view, name="value"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice"),
    path("notices/<int:pk>/edit/", notices.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/send/", notices.notice_send, name="notice_send"),
    path("notices/<int:pk>/schedule/", notices.notice_schedule, name="notice_schedule"),
    path("notices/<int:pk>/unschedule/", notices.notice_unschedule, name="notice_unschedule"),
    path("notices/<int:pk>/progress/", notices.notice_progress, name="notice_progress"),
]
