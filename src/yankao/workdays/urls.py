from django.urls import path

from . import views

app_name = "workdays"

urlpatterns = [
    path("", views.CalendarView.as_view(), name="calendar"),
    path("calculator/", views.CalculatorView.as_view(), name="calculator"),
]
