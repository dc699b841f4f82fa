from django.utils.cache import patch_cache_control


class PermissionsPolicyMiddleware:
    """Deny browser features HomeRx never uses (camera, geolocation, ...)."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        return response


class PrivatePagesNoStoreMiddleware:
    """Keep signed-in pages out of every cache.

    They show health data; on a shared clinic computer the browser's back button or disk
    cache must not bring a patient's page back after sign-out. A view that sets its own
    Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
