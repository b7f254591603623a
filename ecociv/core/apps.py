import gc

from django.apps import AppConfig

from ecociv.env import env_int


class CoreConfig(AppConfig):
    name = "ecociv.core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "核心"

    def ready(self):
        from django.urls import register_converter

        from ecociv.core.years import YearConverter

        register_converter(YearConverter, "year")  # before any URLconf is read
        # A province matrix builds ~10^5 short-lived objects per request; with CPython's default
        # gen-0 threshold (700) full collections then land inside requests and doubled the p95
        # of the matrix page (520 → 246 ms, benchmarks/assessment). Freezing what start-up
        # loaded keeps those collections from rescanning Django itself.
        threshold = env_int("GC_GEN0_THRESHOLD", 50_000, minimum=700)
        gc.set_threshold(threshold, 20, 20)
        gc.freeze()
