"""Any LTI 1.3 platform that follows the specifications as written."""

from .base import PlatformAdapter


class GenericAdapter(PlatformAdapter):
    flavour = "generic"
