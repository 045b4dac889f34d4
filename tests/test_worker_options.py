"""`huying worker` refuses bad options with a message naming the option."""

import re

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.parametrize(("args", "message"), [
    (["--duties", "timers,cron"], "argument --duties: unknown duty cron; choose from timers,notify,upstream,feeds"),
    (["--duties", ","], "argument --duties: name at least one duty of timers,notify,upstream,feeds"),
    (["--batch", "0"], "argument --batch: must be at least 1"),
    (["--interval", "0"], "argument --interval: must be more than 0 seconds"),
    (["--once", "--until-idle"], "argument --until-idle: not allowed with argument --once"),
])
def test_bad_options_are_refused_by_name(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("worker", *args)
