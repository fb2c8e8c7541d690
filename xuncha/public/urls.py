from django.urls import path, re_path

from xuncha.public import confirm_views, views

app_name = "public"

urlpatterns = [
    path("n/<uuid:public_key>/", views.notice, name="notice"),
    path("n/<uuid:public_key>/write/", views.petition_form, name="petition-form"),
    path("n/<uuid:public_key>/sent/", views.petition_sent, name="petition-sent"),
    path("receipt/", views.receipt_lookup, name="receipt-lookup"),
    # A village by its 12-digit NBS code, the address printed under the QR code in the village.
    re_path(r"^villages/(?P<code>[0-9]{12})/$", views.village_disclosure, name="disclosure"),
    path("survey/<uuid:public_key>/", views.survey, name="survey"),
    re_path(r"^villages/(?P<code>[0-9]{12})/items/(?P<pk>[0-9]+)/$", confirm_views.item_confirm, name="item-confirm"),
    path("receipt/confirm/", confirm_views.receipt_confirm, name="receipt-confirm"),
]
