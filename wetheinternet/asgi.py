"""One ASGI application for HTTP and websockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wetheinternet.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from groups.allocation.warm import warm_up_in_background  # noqa: E402
from infrastructure.concurrency import PersistentThreads  # noqa: E402
from infrastructure.env import envbool, envint  # noqa: E402
from wetheinternet.routing import websocket_urlpatterns  # noqa: E402

if envbool("ALLOCATOR_WARM_UP", True):
    # Without a task queue the server forms groups itself: load the allocator's kernels now.
    warm_up_in_background()

application = ProtocolTypeRouter(
    {
        "http": PersistentThreads(django_asgi_app, envint("HTTP_THREADS", 16)),
        # Refuse websockets opened from foreign pages; authenticate with the Django session.
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
