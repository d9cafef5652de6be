from django.apps import AppConfig


class WalletIssuanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wallet_issuance"
    verbose_name = "Wallet issuance (OpenID4VCI)"

    def ready(self) -> None:
        # Models are loaded only now: the verifier learns about wallet copies here.
        from credentials.local_verification import register_copy_lookup  # noqa: PLC0415

        from .copies import sent_copy  # noqa: PLC0415

        register_copy_lookup(sent_copy)
