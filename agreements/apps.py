from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "MoU registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit
        from .models import freshness
        from .search import signals

        signals.connect()
        audit.connect()
        freshness.connect()
