"""The one keymap: every key coach binds, where it works and what it does. Bindings, help and palette read it.

How to read a row, `Key(scope, keys, action, label, ...)`:
- `scope` is where the key works: "app" (every screen, unless a text box has the cursor: it takes the
  letters), or one screen's `KEYMAP_SCOPE` ("home", "ask", "prepare", "commitments", ...).
- `action` is a Textual action string run on that scope's object (the app, or the screen).
- `needs` names the widget id that must have focus: keys that change data act only when the list they
  change has focus, so a letter typed elsewhere never marks, drops or saves anything.
- `palette` (a name) lists the row in the command palette (ctrl+p) with its key as the hint;
  `footer=False` keeps it out of the footer (help lists every row).

How to add a key: add one row here, in the scope's block, and (for a screen) give the screen a method
`action_<name>`. `check_unique()` (run by the tests) refuses a key bound twice in one scope, or a key
that means different things on different screens (MEANINGS fixes what the shared letters mean).

Meanings that hold on every screen: `esc` back (or stop / cancel first), `q` quit (not while typing),
`u` undo the last change, `ctrl+s` save, `s` save (when a list has focus), `d` done, `x` drop / remove,
`o` open again (reopen), `i` add (insert) an item, `e` edit, `w` write a file (export), `y` copy,
`ctrl+l` go to the screen's text box, `ctrl+f` filters, `ctrl+o` past conversations, `ctrl+t` sources.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Key:
    """One binding: where, which key(s), what it runs, and how it is shown."""

    scope: str
    keys: str
    action: str
    label: str
    help: str = ""
    palette: str | None = None
    needs: str | None = None
    footer: bool = True
    display: str | None = None
    priority: bool = False
    listed: bool = True
    """In the help screen (False for the second half of a pair shown as one line, like J/K)."""

    @property
    def shown_key(self) -> str:
        return self.display or _pretty(self.keys.split(",")[0])


APP_SCOPE = "app"
SCOPE_TITLES = {
    APP_SCOPE: "Anywhere (except while typing in a text box: the box takes the letters)",
    "home": "Home",
    "search": "Search",
    "ask": "Ask",
    "reflect": "Reflect",
    "prepare": "Prepare",
    "commitments": "Commitments",
    "notes": "Notes",
    "reader": "Reading a note",
    "growth": "Growth",
    "first_run": "Choose notes folder",
}

KEYS: tuple[Key, ...] = (
    # -- anywhere ---------------------------------------------------------------------------------
    Key(APP_SCOPE, "r", "open('reflect')", "Reflect", "a guided reflection on a meeting", "Reflect on a meeting"),
    Key(APP_SCOPE, "p", "open('prepare')", "Prepare", "draft the agenda for the next meeting",
        "Prepare for the next meeting"),
    Key(APP_SCOPE, "slash", "open('search')", "Search", "live search over notes and principles", "Search notes"),
    Key(APP_SCOPE, "a", "open('ask')", "Ask", "a sourced answer from your notes", "Ask a question"),
    Key(APP_SCOPE, "c", "open('commitments')", "Commitments", "open, done and dropped commitments", "Commitments"),
    Key(APP_SCOPE, "n", "open('notes')", "Notes", "every note by date and mentor", "Browse notes"),
    Key(APP_SCOPE, "g", "open('growth')", "Growth", "then and now, kept commitments, the next step", "Growth"),
    Key(APP_SCOPE, "h", "open('home')", "Home", "last session and open commitments", "Home", footer=False),
    Key(APP_SCOPE, "u", "undo", "Undo", "undo the last change (while its message shows)", "Undo the last change",
        footer=False),
    Key(APP_SCOPE, "question_mark", "help", "Help", "every key", "Help: every key"),
    Key(APP_SCOPE, "ctrl+r", "sync", "Re-index", "bring the index up to date with the notes folder",
        "Re-index notes now", footer=False),
    Key(APP_SCOPE, "q", "quit_softly", "Quit", "leave coach (unsaved edits on screen: asks first)", footer=False),
    Key(APP_SCOPE, "ctrl+q", "quit", "Quit", "leave coach, even while typing (stops an answer first)", "Quit",
        footer=False),
    # Palette-only rows (no key of their own): keys="" is never bound.
    Key(APP_SCOPE, "", "first_run", "Notes folder", "point coach at another folder, or the sample notes",
        "Choose notes folder", display="f on Home"),
    Key(APP_SCOPE, "", "open('model')", "Model", "choose the chat model (local or remote)", "Model and provider"),
    Key(APP_SCOPE, "", "past_conversations", "Past conversations", "reopen an earlier conversation",
        "Past conversations", display="ctrl+o in Ask"),
    Key(APP_SCOPE, "", "toggle_theme", "Theme", "switch between the light and dark themes", "Toggle light / dark"),
    # -- home -------------------------------------------------------------------------------------
    Key("home", "f", "app.first_run", "Notes folder", "choose the notes folder (or the sample notes)",
        footer=False),
    # -- search -----------------------------------------------------------------------------------
    Key("search", "ctrl+l", "focus_query", "Query", "back to the search box"),
    Key("search", "ctrl+f", "focus_filters", "Filters", "mentor, kind and date filters"),
    # -- ask --------------------------------------------------------------------------------------
    Key("ask", "escape", "stop_or_back", "Stop / back", "stop the answer being written, else go back"),
    Key("ask", "ctrl+s", "save_note", "Save", "save the conversation as a new note", "Save conversation as note"),
    Key("ask", "ctrl+t", "focus_sources", "Sources", "move to the sources (enter opens one)"),
    Key("ask", "ctrl+r", "retry", "Retry", "ask a failed or stopped question again"),
    Key("ask", "ctrl+o", "history", "Past", "past conversations, to reopen and continue", "Open a past conversation"),
    Key("ask", "ctrl+n", "new_conversation", "New", "start a new conversation", "New conversation"),
    Key("ask", "ctrl+l", "focus_main", "Question", "back to the question box", footer=False),
    # -- reflect ----------------------------------------------------------------------------------
    Key("reflect", "ctrl+b", "previous", "Previous", "the previous question (enter: next, ctrl+j: new line)"),
    Key("reflect", "ctrl+s", "save", "Save", "save the reflection (from the preview)", "Save the reflection"),
    Key("reflect", "enter", "save", "Save", "save the reflection (from the preview)", footer=False,
        needs="preview"),
    Key("reflect", "e", "edit", "Edit", "edit the answers again (from the preview)", footer=False,
        needs="preview"),
    Key("reflect", "ctrl+l", "focus_main", "Answer", "back to the answer box", footer=False),
    # -- prepare ----------------------------------------------------------------------------------
    Key("prepare", "m", "next_mentor", "Mentor", "the agenda for your next mentor (or someone you mentor)",
        "Agenda: next mentor", needs="agenda"),
    Key("prepare", "j", "cursor(1)", "Down", "next / previous item (arrows work too)", footer=False,
        needs="agenda", display="j/k"),
    Key("prepare", "k", "cursor(-1)", "Up", footer=False, needs="agenda", listed=False),
    Key("prepare", "J", "move(1)", "Move", "move the item down / up", needs="agenda", display="J/K"),
    Key("prepare", "K", "move(-1)", "Move up", footer=False, needs="agenda", listed=False),
    Key("prepare", "e", "edit", "Edit", "edit the item", needs="agenda"),
    Key("prepare", "x", "drop", "Drop", "remove the item from this agenda", needs="agenda"),
    Key("prepare", "i", "add", "Add", "add an item after this one", needs="agenda"),
    Key("prepare", "s", "save", "Save", "save the agenda as a note", needs="agenda"),
    Key("prepare", "ctrl+s", "save", "Save", "save the agenda as a note", "Save the agenda as a note",
        footer=False),
    Key("prepare", "w", "export", "Export", "write it to a Markdown file in the data folder", "Export the agenda",
        needs="agenda", footer=False),
    Key("prepare", "y", "copy", "Copy", "copy it as Markdown", "Copy the agenda", needs="agenda", footer=False),
    Key("prepare", "f", "full_list", "Full list", "every open item, or the ranked agenda again",
        "Agenda: full list", needs="agenda"),
    # -- commitments ------------------------------------------------------------------------------
    Key("commitments", "f", "cycle_filter", "Filter", "open → done → dropped → all", needs="commitment-table"),
    Key("commitments", "d", "mark('done')", "Done", "mark it done (kept in coach, not in your notes)",
        "Mark commitment done", needs="commitment-table"),
    Key("commitments", "x", "mark('dropped')", "Drop", "mark it dropped", "Mark commitment dropped",
        needs="commitment-table"),
    Key("commitments", "o", "mark('open')", "Reopen", "open again, whatever the notes say", "Reopen commitment",
        needs="commitment-table"),
    # -- notes and a note -------------------------------------------------------------------------
    Key("notes", "e", "edit", "Edit", "open the note in $EDITOR", needs="notes-table"),
    Key("notes", "ctrl+l", "focus_filter", "Filter", "the filter box"),
    Key("reader", "e", "edit", "Edit", "open the note in $EDITOR"),
    # -- growth -----------------------------------------------------------------------------------
    Key("growth", "s", "save_review", "Save", "save a periodic review (since the last one) as a new note",
        "Save a growth review", needs="growth-body"),
    Key("growth", "ctrl+s", "save_review", "Save", "write a periodic review as a new note", footer=False),
    # -- first run --------------------------------------------------------------------------------
    Key("first_run", "ctrl+t", "sample", "Try the sample notes", "start with the bundled sample notes"),
    Key("first_run", "escape", "leave", "Later", "decide later"),
)

MEANINGS = {"d": "Done", "x": "Drop", "o": "Reopen", "i": "Add", "s": "Save", "ctrl+s": "Save", "e": "Edit",
            "w": "Export", "y": "Copy", "u": "Undo", "q": "Quit", "ctrl+l": None, "ctrl+o": "Past",
            "ctrl+t": None}
"""What the shared keys mean on every screen that has them (None: the screen names its own box/sources)."""


def rows(scope: str) -> list[Key]:
    return [key for key in KEYS if key.scope == scope]


def bindings(scope: str) -> list[BindingType]:
    """Textual bindings for one scope (rows without a key are palette-only).

    The app's own keys stay out of every footer (screens' footers stay short); Home shows them."""
    return [
        Binding(key.keys, key.action, key.label, show=key.footer and (scope != APP_SCOPE or key.action == "help"),
                key_display=key.display, priority=key.priority)
        for key in rows(scope)
        if key.keys
    ]


def home_bindings() -> list[BindingType]:
    """Home's footer: the app's keys (run on the app), then Home's own."""
    shown: list[BindingType] = [Binding(key.keys, f"app.{key.action}", key.label, key_display=key.display)
             for key in rows(APP_SCOPE) if key.keys and key.footer]
    return shown + bindings("home")


def needs_focus(scope: str, action: str) -> str | None:
    """The widget id that must have focus for `action` on this scope's keys, if any."""
    for key in rows(scope):
        if key.needs and _action_name(key.action) == action:
            return key.needs
    return None


def app_actions() -> set[str]:
    """The action names the app scope runs (a screen may switch them all off)."""
    return {_action_name(key.action) for key in rows(APP_SCOPE)}


def palette_rows(scope: str | None) -> list[Key]:
    """The palette's entries: the app's, then the current screen's (each once)."""
    chosen = [key for key in rows(APP_SCOPE) if key.palette]
    if scope and scope != APP_SCOPE:
        chosen += [key for key in rows(scope) if key.palette]
    return chosen


def palette_key_hint(key: Key) -> str:
    return key.shown_key if key.keys or key.display else ""


def help_text() -> str:
    """Every key, grouped by where it works."""
    lines: list[str] = []
    for scope, title in SCOPE_TITLES.items():
        entries = [key for key in rows(scope) if key.keys and key.listed]
        if not entries:
            continue
        lines.append(title)
        for key in _merge(entries):
            lines.append(f"  {key.shown_key:<13} {key.label} · {key.help}" if key.help else f"  {key.shown_key:<13} {key.label}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def check_unique() -> list[str]:
    """Problems: a key bound twice in a scope, a shared key with another meaning, a palette name twice."""
    problems: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for key in KEYS:
        for one in filter(None, key.keys.split(",")):
            if (key.scope, one) in seen and seen[(key.scope, one)] != key.action:
                problems.append(f"{one} bound twice in {key.scope}")
            seen[(key.scope, one)] = key.action
            meaning = MEANINGS.get(one)
            if meaning and key.label != meaning and key.scope != APP_SCOPE:
                problems.append(f"{one} means {key.label!r} in {key.scope}, but {meaning!r} elsewhere")
    names: defaultdict[str, int] = defaultdict(int)
    for key in KEYS:
        if key.palette:
            names[key.palette] += 1
    problems += [f"palette lists {name!r} {n} times" for name, n in names.items() if n > 1]
    return problems


def _merge(entries: list[Key]) -> list[Key]:
    """One help line per action (ctrl+s and s for the same save are one line)."""
    out: dict[str, Key] = {}
    for key in entries:
        if key.action in out:
            first = out[key.action]
            out[key.action] = Key(first.scope, first.keys, first.action, first.label, first.help,
                                  display=f"{first.shown_key}, {key.shown_key}")
        else:
            out[key.action] = key
    return list(out.values())


def _action_name(action: str) -> str:
    return action.split("(", 1)[0].split(".")[-1]


def _pretty(key: str) -> str:
    return {"slash": "/", "question_mark": "?", "escape": "esc", "enter": "enter"}.get(key, key)
