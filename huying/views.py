"""The landing page: what Huying is and where to go next."""

from django.shortcuts import render


def home(request):
    return render(request, "home.html")
