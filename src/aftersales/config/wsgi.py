import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.config.settings.production")
application = get_wsgi_application()
# What start-up made (modules, URLs, translations: >100,000 objects) lives as long as the process:
# keep it out of the collector's full passes, which otherwise stall requests that allocate much
# (a list search with thousands of ids: up to 100 ms pauses in bench/lists). Python's gc docs
# recommend this for pre-fork servers.
gc.freeze()
