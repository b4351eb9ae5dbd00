from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.media import serve_media

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("quizapp.api_urls")),  # first: it holds the join a whole class makes at once
    path("", include("accounts.api_urls")),
    path("", include("mlcore.api_urls")),
    path("projects/", include("projects.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("api/", include((api_urlpatterns, "api"))),  # first: the hot paths (joining) resolve in a few steps
    path("", include("core.urls")),
    path("sessions/", include("quizapp.reporting.urls")),
    path("", include("quizapp.urls")),
    path("quizzes/", include("quizapp.authoring.urls")),
    path("accounts/", include("accounts.urls")),
    path("ml/", include("mlcore.urls")),
    path("projects/", include("projects.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

# Uploaded media in every shape (not only under DEBUG): shared prefixes, signed URLs (core.media).
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", serve_media, name="media")]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
