"""Rotate the tool's LTI signing key: publish the new one first, retire the old one later."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from lti_tool.keys import DEFAULT_GRACE, DEFAULT_PUBLISH_AHEAD, rotate_tool_key


class Command(BaseCommand):
    help = (
        "Create a new tool key, published in /lti/jwks.json at once and signing after "
        "--publish-ahead; older keys stay published for --grace after that."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--publish-ahead",
            type=int,
            default=int(DEFAULT_PUBLISH_AHEAD.total_seconds()),
            help="seconds between publication and first signature (default: 24 h)",
        )
        parser.add_argument(
            "--grace",
            type=int,
            default=int(DEFAULT_GRACE.total_seconds()),
            help="seconds the old keys stay published after the new one signs (default: 7 d)",
        )

    def handle(self, *args, publish_ahead: int, grace: int, **options):
        if publish_ahead < 0 or grace < 0:
            raise CommandError("--publish-ahead and --grace must be >= 0")
        key = rotate_tool_key(
            publish_ahead=timedelta(seconds=publish_ahead), grace=timedelta(seconds=grace)
        )
        self.stdout.write(
            f"New tool key {key.kid}: published now, signs from {key.activate_after.isoformat()}"
        )
