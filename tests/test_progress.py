"""The progress bar: one stage after another on a terminal, nothing elsewhere."""

from __future__ import annotations

import io

from translate.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_stages_handed_out_early_show_in_the_order_they_run(monkeypatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with Progress() as progress:
        translating, aligning = progress.stage("translating", "piece"), progress.stage("aligning", "paragraph")
        translating(2, 3)
        translating(1, 3)
        aligning(2, 2)
    shown = terminal.getvalue()
    assert "translating:" in shown and "aligning:" in shown
    assert shown.index("translating:") < shown.index("aligning:")
    assert "0/3" in shown and "0/2" in shown  # each bar knows its stage's total


def test_silent_when_not_a_terminal_or_quiet(monkeypatch) -> None:
    for stream, enabled in ((io.StringIO(), True), (Terminal(), False)):
        monkeypatch.setattr("sys.stderr", stream)
        with Progress(enabled=enabled) as progress:
            progress.stage("translating", "piece")(1, 1)
        assert stream.getvalue() == ""
