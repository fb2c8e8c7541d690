from django.urls import path

from xuncha.rectification.views import extensions, handoffs, ledger, lists, responsibility, visits

app_name = "rectification"

urlpatterns = [
    # The two lists and the feedback (反馈)
    path("lists/", lists.overview, name="list-overview"),
    path("lists/<int:pk>/", lists.detail, name="list-detail"),
    path("lists/rounds/<int:round_pk>/build/<str:code>/", lists.build, name="list-build"),
    path("lists/rounds/<int:round_pk>/common/", lists.add_common_item, name="common-item-add"),
    path("lists/rounds/<int:round_pk>/publish/<str:code>/", lists.publish, name="feedback-publish"),
    path("lists/receipts/<int:pk>/sign/", lists.sign, name="receipt-sign"),
    # The ledger (整改台账)
    path("ledger/", ledger.item_list, name="item-list"),
    path("ledger/responsibility/", responsibility.village_list, name="responsibility-list"),
    path("ledger/responsibility/<str:code>/", responsibility.village_edit, name="responsibility-edit"),
    path("ledger/review/", ledger.review, name="item-review"),
    path("ledger/review/batch/", ledger.review_batch, name="item-review-batch"),
    path("ledger/<int:pk>/", ledger.item_detail, name="item-detail"),
    path("ledger/<int:pk>/plan/", ledger.plan, name="item-plan"),
    path("ledger/<int:pk>/responsibility/", ledger.responsibility, name="item-responsibility"),
    path("ledger/<int:pk>/progress/", ledger.progress, name="item-progress"),
    path(
        "ledger/<int:pk>/progress/<int:progress_pk>/files/<int:evidence_pk>/",
        ledger.progress_file,
        name="progress-file",
    ),
    path("ledger/<int:pk>/submit/", ledger.submit, name="item-submit"),
    path("ledger/<int:pk>/review/", ledger.review_one, name="item-review-one"),
    path("ledger/<int:pk>/return/", ledger.return_reviewed, name="item-return"),
    path("ledger/<int:pk>/close/", ledger.close, name="item-close"),
    path("ledger/<int:pk>/ongoing/", ledger.ongoing, name="item-ongoing"),
    path("ledger/<int:pk>/reopen/", ledger.reopen, name="item-reopen"),
    path("ledger/<int:pk>/extend/", ledger.extend, name="item-extend"),
    path("ledger/<int:pk>/flag/", ledger.flag, name="item-flag"),
    # Extensions as requests (整改延期申请)
    path("ledger/extensions/", extensions.request_list, name="extension-list"),
    path("ledger/<int:pk>/extensions/ask/", extensions.ask, name="extension-ask"),
    path("ledger/extensions/<int:pk>/review/", extensions.review, name="extension-review"),
    path("ledger/extensions/<int:pk>/decide/", extensions.decide, name="extension-decide"),
    # Hand-offs to county departments (移交, 交办)
    path("ledger/handed/", handoffs.handed_items, name="handed-items"),
    path("ledger/<int:pk>/hand-off/", handoffs.hand_off, name="item-hand-off"),
    path("ledger/parties/<int:pk>/sign/", handoffs.party_sign, name="party-sign"),
    path("ledger/parties/<int:pk>/progress/", handoffs.party_progress, name="party-progress"),
    path("ledger/parties/<int:pk>/done/", handoffs.party_done, name="party-done"),
    # Return visits (回访)
    path("visits/", visits.visit_list, name="visit-list"),
    path("visits/new/", visits.plan, name="visit-plan"),
    path("visits/<int:pk>/", visits.detail, name="visit-detail"),
    path("visits/<int:pk>/record/", visits.record, name="visit-record"),
    path("visits/<int:pk>/checks/<int:check_pk>/photos/<int:evidence_pk>/", visits.photo_file, name="visit-file"),
    path("visits/checks/<int:pk>/photo/", visits.photo, name="visit-photo"),
]
