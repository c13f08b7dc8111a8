"""Prompt files: YAML ChatPromptTemplates with parts; variables, brace escaping, errors; every shipped prompt loads."""

from __future__ import annotations

import os

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.prompts import ChatPromptTemplate

from coach import paths
from coach.llm import prompts
from coach.llm.prompts import PromptError, list_prompts, load_prompt


@pytest.fixture
def prompt_dir(tmp_path, monkeypatch):
    folder = tmp_path / "prompts"
    folder.mkdir()
    monkeypatch.setattr(paths, "prompts_dir", lambda: folder)
    return folder


def write(folder, name, text):
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


ASK = """\
messages:
  - role: system
    template: You coach {mentee}.
  - role: human
    template: "Notes:\\n{notes}\\n\\nQ: {question}"
parts:
  turn: "Q: {question}\\nA: {answer}"
  empty: "(nothing)"
"""


def test_a_prompt_is_a_chat_prompt_template(prompt_dir):
    write(prompt_dir, "ask", ASK)
    prompt = load_prompt("ask")
    assert prompt.name == "ask" and isinstance(prompt.template, ChatPromptTemplate)
    assert prompt.variables == frozenset({"mentee", "notes", "question"})
    system, user = prompt.messages(mentee="Kim", notes="- met Ade", question="What next?")
    assert isinstance(system, SystemMessage) and system.content == "You coach Kim."
    assert isinstance(user, HumanMessage) and user.content == "Notes:\n- met Ade\n\nQ: What next?"
    assert prompt.system == "You coach {mentee}."


def test_parts_fill_on_their_own(prompt_dir):
    write(prompt_dir, "ask", ASK)
    prompt = load_prompt("ask")
    assert prompt.part("turn", question="a?", answer="b.") == "Q: a?\nA: b."
    assert prompt.fixed_parts() == ("(nothing)",)
    with pytest.raises(PromptError, match="no part 'nope'"):
        prompt.part("nope")
    with pytest.raises(PromptError, match=r"'ask.turn'.*missing answer"):
        prompt.part("turn", question="a?")


def test_recited_leads_come_from_the_labels_not_the_system_text(prompt_dir):
    write(prompt_dir, "ask", ASK)
    assert load_prompt("ask").recited_leads() == ("Notes:", "Q:", "A:")


def test_roles_map_to_message_types(prompt_dir):
    write(prompt_dir, "one", "messages:\n  - role: ai\n    template: Hi {x}\n")
    assert [type(m) for m in load_prompt("one").messages(x="1")] == [AIMessage]


def test_a_placeholder_takes_a_list_of_messages(prompt_dir):
    write(prompt_dir, "agent", "messages:\n  - role: system\n    template: Use tools.\n"
                               "  - role: placeholder\n    template: '{messages}'\n")
    out = load_prompt("agent").messages(messages=[HumanMessage("hello")])
    assert [m.content for m in out] == ["Use tools.", "hello"]


def test_missing_and_unexpected_variables_are_named(prompt_dir):
    write(prompt_dir, "ask", ASK)
    with pytest.raises(PromptError, match=r"'ask'.*missing mentee, notes"):
        load_prompt("ask").messages(question="q")
    with pytest.raises(PromptError, match="unexpected mentor"):
        load_prompt("ask").messages(mentee="K", notes="n", question="q", mentor="Ade")


def test_values_are_inserted_verbatim(prompt_dir):
    write(prompt_dir, "ask", "messages:\n  - role: human\n    template: \"<<<\\n{notes}\\n>>>\"\n")
    note = "Ade wrote {question} and {{braces}} and {0}"
    assert load_prompt("ask").messages(notes=note)[0].content == f"<<<\n{note}\n>>>"


def test_doubled_braces_are_literal(prompt_dir):
    write(prompt_dir, "json", "messages:\n  - role: human\n    template: 'Reply as {{\"a\": 1}} about {topic}'\n")
    prompt = load_prompt("json")
    assert prompt.variables == frozenset({"topic"})
    assert prompt.messages(topic="x")[0].content == 'Reply as {"a": 1} about x'


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "needs a 'messages' list"),
        ("messages: []\n", "needs a 'messages' list"),
        ("just text\n", "needs a 'messages' list"),
        ("messages: [\n", "not valid YAML"),
        ("messages:\n  - role: user\n    template: x\n", "each message needs a role"),
        ("messages:\n  - role: human\n", "each message needs a role"),
        ("messages:\n  - role: human\n    template: '  '\n", "message is empty"),
        ("messages:\n  - role: human\n    template: 'A lone { brace'\n", "doubled"),
        ("messages:\n  - role: human\n    template: 'A lone } brace'\n", "doubled"),
        ("messages:\n  - role: human\n    template: '{0}'\n", "plain"),
        ("messages:\n  - role: human\n    template: '{}'\n", "plain"),
        ("messages:\n  - role: human\n    template: '{a.b}'\n", "plain"),
        ("messages:\n  - role: human\n    template: '{a!r}'\n", "plain"),
        ("messages:\n  - role: human\n    template: '{a:>10}'\n", "plain"),
        ("messages:\n  - role: human\n    template: x\nparts: [1]\n", "'parts' must map"),
        ("messages:\n  - role: human\n    template: x\nparts:\n  p: '{a.b}'\n", "plain"),
    ],
)
def test_malformed_files_name_the_problem(prompt_dir, text, match):
    write(prompt_dir, "bad", text)
    with pytest.raises(PromptError, match=match):
        load_prompt("bad")


def test_missing_prompt_names_the_file(prompt_dir):
    with pytest.raises(PromptError, match=r"nope\.yaml"):
        load_prompt("nope")


@pytest.mark.parametrize("name", ["../etc/passwd", "Ask", "a b", ""])
def test_invalid_names_rejected(prompt_dir, name):
    with pytest.raises(PromptError, match="Invalid prompt name"):
        load_prompt(name)


def test_list_prompts(prompt_dir):
    write(prompt_dir, "b", "messages:\n  - {role: human, template: x}\n")
    write(prompt_dir, "a", "messages:\n  - {role: human, template: x}\n")
    (prompt_dir / "notes.txt").write_text("not a prompt")
    assert list_prompts() == ["a", "b"]


def test_list_prompts_without_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "prompts_dir", lambda: tmp_path / "absent")
    assert list_prompts() == []


def test_cache_reloads_an_edited_file(prompt_dir):
    write(prompt_dir, "p", "messages:\n  - {role: human, template: '{a}'}\n")
    first = load_prompt("p")
    assert load_prompt("p") is first  # cached
    path = prompt_dir / "p.yaml"
    path.write_text("messages:\n  - {role: human, template: '{b}'}\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_prompt("p").variables == frozenset({"b"})


def test_every_shipped_prompt_loads_and_fills():
    """Every prompt file in prompts/ (ask, agent) parses and fills cleanly, parts included."""
    prompts._load_cached.cache_clear()
    assert {"ask", "agent"} <= set(list_prompts())
    for name in list_prompts():
        prompt = load_prompt(name)
        values = {var: [HumanMessage("hi")] if var == "messages" else f"<{var}>" for var in prompt.variables}
        assert prompt.messages(**values), name
        for part, template in prompt.parts.items():
            assert prompt.part(part, **{var: "x" for var in template.input_variables}), (name, part)
