"""Response headers for what a browser or proxy may keep.

Every page, export, download and API answer of the platform is user data in someone's scope, so
none of it may stay in a shared proxy or in the browser's cache after logout: each response that
reaches Django gets `Cache-Control: no-store` (added to whatever the view set). Static files never
get here — WhiteNoise answers them earlier in MIDDLEWARE with its own long-lived caching."""
from __future__ import annotations

from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
