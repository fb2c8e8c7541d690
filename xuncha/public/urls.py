from django.urls import path

from xuncha.public import views

app_name = "public"

urlpatterns = [
    path("n/<uuid:public_key>/", views.notice, name="notice"),
    path("n/<uuid:public_key>/write/", views.petition_form, name="petition-form"),
    path("n/<uuid:public_key>/sent/", views.petition_sent, name="petition-sent"),
    path("receipt/", views.receipt_lookup, name="receipt-lookup"),
]
