"""The form engine's 'step k/n': counted from the questions that may still be asked."""

from handlers.forms.spec import Answers, Field, Form


def _save(_ctx: object, _answers: Answers, _context: dict[str, object]) -> str:
    return ""


FORM = Form("probe", "Probe", save=_save, fields=(  # type: ignore[arg-type]
    Field("kind", "Kind", "?"),
    Field("detail", "Detail", "?", when=lambda a: a.get("kind") == "b"),
    Field("note", "Note", "?", required=False),
    Field("note_on", "Note date", "?", when=lambda a: bool(a.get("note"))),
))


def test_undecided_questions_count_and_the_total_shrinks_as_answers_rule_them_out() -> None:
    actual = [
        FORM.progress("kind", {}),
        FORM.progress("note", {"kind": "a"}),
        FORM.progress("note_on", {"kind": "b", "note": "x"}),
        FORM.progress("note", {"kind": "b"}),
    ]
    assert actual == [(1, 4), (2, 3), (4, 4), (3, 4)]


def test_a_skipped_question_decides_the_ones_that_wait_on_it() -> None:
    assert FORM.progress("note_on", {"kind": "a"}) == (3, 3)  # asked anyway (an edit): k never exceeds n
