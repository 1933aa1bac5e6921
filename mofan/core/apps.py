from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mofan.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import indicators

        indicators.autodiscover()
