"""Any LTI 1.3 platform whose product family has no adapter: the specifications as written."""

from .base import PlatformAdapter


class GenericAdapter(PlatformAdapter):
    flavour = "generic"
