from django.apps import AppConfig


class WalletIssuanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wallet_issuance"
    verbose_name = "Wallet issuance (OpenID4VCI)"
