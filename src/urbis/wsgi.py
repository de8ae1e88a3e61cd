import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urbis.settings")
application = get_wsgi_application()


def freeze_loaded_heap() -> None:
    """Load every URL pattern (and with them the views' modules), then move every object alive
    into the garbage collector's permanent generation.

    The few hundred thousand objects of the loaded code live as long as the process; left in
    the oldest generation, each full collection walks them all again, which stalled a random
    request for 170-270 ms (docs/PERFORMANCE.md, "Pages and API lists"). Frozen, they are never
    walked; objects made by requests are collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every app's urls and views
    gc.collect()
    gc.freeze()


# Each gunicorn worker imports this module after it starts (``urbis serve`` does not preload),
# so each freezes its own loaded heap.
freeze_loaded_heap()
