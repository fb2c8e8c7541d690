from django.urls import path

from xuncha.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("ledger/<int:pk>/outcome/", views.item_record, name="item-record"),
    path("ledger/<int:pk>/outcome/report/", views.item_report, name="item-report"),
    path("ledger/<int:pk>/outcome/confirm/", views.item_confirm, name="item-confirm"),
    path("clues/<int:pk>/outcome/", views.clue_record, name="clue-record"),
    path("outcomes/<int:pk>/rules/", views.rule_add, name="rule-add"),
    path("outcomes/<int:pk>/rules/<int:rule_pk>/file/", views.rule_file, name="rule-file"),
]
