"""The streaming guard over model text: whole sentences, no repeats, no prompt echo, a word cap."""

from __future__ import annotations

import re

from coach.agent.answer_guard import Guard
from tests.unit.agent.conftest import make_hit

RULES = "You are a mentoring reflection coach. You help a mentee recall and think about what their mentor told them."


def run(text: str, max_words: int = 200, question: str = "What did Ade say?") -> tuple[str, str, bool]:
    guard = Guard(question, [make_hit()], max_words)
    guard.watch_for_echo(RULES)
    shown = []
    for token in re.split(r"(\s)", text):
        shown.append(guard.feed(token))
        if guard.stopped:
            break
    return "".join(shown), guard.finish().text, guard.stopped


def test_whole_sentences_stream_and_match_the_final_text():
    shown, final, stopped = run("Ask Priya first [2025-09-12, Ade]. Then hand over the reviews. And")
    assert shown == "Ask Priya first [2025-09-12, Ade Okafor]. Then hand over the reviews."
    assert final == shown + " And" and not stopped


def test_an_exact_or_near_repeat_stops_the_answer():
    _, final, stopped = run("Give feedback early. Keep it kind. Give feedback early. More.")
    assert final == "Give feedback early. Keep it kind." and stopped
    near = ("You should give the hard feedback early and in private. It helps. "
            "You should always give hard feedback early and in private too. More text here.")
    assert run(near)[1] == "You should give the hard feedback early and in private. It helps."


def test_recited_prompt_and_question_are_dropped():
    text = ("You are a mentoring reflection coach and I help. What did Ade say? (none)\n"
            "Ade said to ask Priya first [2025-09-12, Ade].\n")
    shown, final, _ = run(text)
    assert final == shown == "Ade said to ask Priya first [2025-09-12, Ade Okafor]."


def test_the_word_cap_holds_for_run_on_text():
    shown, final, stopped = run(" ".join(f"w{i}" for i in range(500)), max_words=150)
    assert stopped and len(final.split()) <= 150 and final.startswith(shown[:50])


def test_an_open_citation_is_not_shown_half_written():
    guard = Guard("q", [make_hit()], 200)
    guard.feed("Ask Priya first. Then Tom [2025-09-")
    assert "[" not in guard.shown
    assert guard.finish().text == "Ask Priya first. Then Tom"


def test_a_contracted_recital_of_the_prompt_is_still_an_echo():
    assert run("You’re a mentoring reflection coach. Ask Priya first.\n")[1] == "Ask Priya first."


def test_a_clause_said_twice_is_a_loop():
    text = ("There were no issues at all until after 1am that night. "
            "Then on Tuesday there were no issues at all until after 1am again. Fine.\n")
    final, stopped = run(text)[1:]
    assert final == "There were no issues at all until after 1am that night." and stopped


def test_recited_labels_are_read_from_the_prompt_file(tmp_path, monkeypatch):
    """The filter follows prompts/ask.yaml: reword a label there and the recital of the new one is dropped."""
    from coach import paths

    reply = ("Evidence from the mentee: the reviews.\nYour notes (the mentee's own records):\n"
             "Ade said to ask Priya first [2025-09-12, Ade].\n")
    _, shipped, _ = run(reply)
    assert "Your notes (" not in shipped and "Evidence from the mentee" in shipped and "ask Priya first" in shipped
    (tmp_path / "ask.yaml").write_text(
        "messages:\n  - role: system\n    template: Be brief.\n"
        "  - role: human\n    template: \"{history}Evidence from the mentee:\\n{notes}\\n{principles}\\nAsk: {question}\"\n"
        "parts:\n  history: \"{turns}\"\n  turn: \"{question} {answer}\"\n  no_notes: \"(nothing found)\"\n"
        "  no_principles: \"(nothing found)\"\n", encoding="utf-8")
    monkeypatch.setattr(paths, "prompts_dir", lambda: tmp_path)
    _, reworded, _ = run(reply + "(nothing found)")
    assert "Evidence from the mentee" not in reworded and "nothing found" not in reworded
    assert "Your notes (the mentee's own records):" in reworded and "ask Priya first" in reworded
