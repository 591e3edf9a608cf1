"""Messages to people shown on the console instead of sent (the demo): each one a framed block
that a person finds among the log lines, with the one-time code or link in full."""

import sys

from django.core.mail.backends.console import EmailBackend as DjangoConsoleEmailBackend
from django.utils.translation import gettext as _

WIDTH = 72
BOLD, RESET = "\033[1m", "\033[0m"


def console_box(title: str, text: str, *, bold: bool = False) -> str:
    """``title`` in the top rule, each line of ``text`` behind a bar (no right edge, so wide
    characters need no measuring)."""
    head = f"┌─ {title} "
    lines = [head + "─" * max(4, WIDTH - len(head))]
    lines += [f"│ {line}" for line in (text.splitlines() or [""])]
    lines.append("└" + "─" * (WIDTH - 1))
    block = "\n".join(lines)
    return f"{BOLD}{block}{RESET}" if bold else block


def console_print(title: str, text: str, stream=None) -> None:
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    stream.write(console_box(title, text, bold=bool(isatty and isatty())) + "\n")
    stream.flush()


class ConsoleEmailBackend(DjangoConsoleEmailBackend):
    """Django's console backend prints the raw MIME message (encoded subject, headers); this one
    prints who it is for, the subject and the text."""

    def write_message(self, message):
        title = _("E-mail to %(to)s") % {"to": ", ".join(message.recipients())}
        console_print(title, f"{message.subject}\n\n{message.body}".rstrip(), self.stream)
