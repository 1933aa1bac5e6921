import os

from django.core.wsgi import get_wsgi_application
from django.urls import resolve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mofan.settings")
application = get_wsgi_application()

# Each worker imports every view as it starts, not during its first user's request (that
# request took ~250 ms longer: the URLconf, the views, the apps' registries).
resolve("/")
