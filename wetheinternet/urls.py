from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from wetheinternet import views


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class AdminLoginRedirect(RedirectView):
    """The admin signs in through the rate-limited account login."""

    def get_redirect_url(self, *args, **kwargs):
        target = str(reverse_lazy("account_login"))
        query = self.request.META.get("QUERY_STRING")
        return f"{target}?{query}" if query else target


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/login/", AdminLoginRedirect.as_view()),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", views.home, name="home"),
    path("", include("sessions_app.urls")),
    path("", include("results.wall_urls")),  # before the control room's actions
    path("", include("groups.urls")),
    path("", include("results.urls")),
    path("", include("dialogues.urls")),
    path("", include("dialogues.results_urls")),
]

admin.site.site_header = _("WeTheInternet – organisers")
admin.site.site_title = "WeTheInternet"
