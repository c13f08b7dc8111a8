"""One keymap: letters change data only where the list they change has focus; every change can be undone;
help and palette read the same table (no duplicates, keys shown)."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from coach.ui import keymap
from coach.ui.screens.help import help_text
from tests.ui.conftest import SIZE, notifications, open_commitments, wait_for


def test_the_table_has_no_clashes_and_help_lists_every_key():
    assert keymap.check_unique() == []
    text = help_text()
    for key in keymap.KEYS:
        if key.keys and key.listed:
            assert key.shown_key in text, key
    assert "Anywhere (except while typing" in text


async def test_typing_on_the_folder_choice_screen_changes_no_data(app, service):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await pilot.press("f")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "FirstRunScreen")
        box = app.screen.query_one("#folder", Input)
        assert app.screen.focused is box  # the screen's job is typing a path
        await pilot.press(*"cdxo")
        assert box.value.endswith("cdxo")
        await pilot.press("tab")  # focus on a button: the letters reach no other screen either
        assert not isinstance(app.screen.focused, Input)
        await pilot.press(*"cdxorpagnu")
        await pilot.pause(0.2)
        assert app.screen.__class__.__name__ == "FirstRunScreen"
        assert service.marks == []


async def test_data_keys_act_only_when_their_list_has_focus_and_undo(app, service):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        table = await open_commitments(app, pilot, rows=1)
        screen = app.screen
        screen.set_focus(None)
        await pilot.press("d")
        await pilot.pause(0.2)
        assert service.marks == []  # the list did not have focus
        table.focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: service.marks == [("c-draft", "done")])
        toast = notifications(app)[-1]
        assert "u undoes" in toast.message
        await pilot.press("u")
        await wait_for(pilot, lambda: service.marks[-1] == ("c-draft", "notes"))  # the mark removed
        assert len(service.marks) == 2


async def test_palette_lists_each_action_once_with_its_key(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        await pilot.press(*"quit")
        commands = palette.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count > 0)
        prompts = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        assert sum("Quit" in p.split("\n")[0] for p in prompts) == 1
        assert any("ctrl+q" in p for p in prompts)


async def test_q_quits_from_any_screen_but_not_while_typing(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await pilot.press("slash", *"q")  # the search box takes the letter
        await pilot.pause(0.1)
        assert app.is_running and app.screen.__class__.__name__ == "SearchScreen"
        app.screen.set_focus(None)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)


async def test_q_with_unsaved_edits_asks_first(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.home_facts is not None, timeout=30)
        await pilot.press("p")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "PrepareScreen")
        await wait_for(pilot, lambda: len(app.screen.items) == 3)
        await pilot.press("x", "q")
        await pilot.pause(0.1)
        assert app.is_running and "not saved" in notifications(app)[-1].message
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)
