import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecociv.settings")
application = get_wsgi_application()

from ecociv.core.serving import refuse_unsafe_start  # noqa: E402  (needs settings loaded)

refuse_unsafe_start()
