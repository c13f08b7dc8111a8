"""Model and provider: choose the chat model; saved to the config file, used from the next start."""

from __future__ import annotations

from collections.abc import Iterable

from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from coach import providers
from coach.errors import CoachError
from coach.ui.config_file import update_config
from coach.ui.safe import clean, plain
from coach.ui.screens.base import CoachScreen

PROVIDERS = tuple((label, setting) for setting, label in providers.CHOICES.items())
EXPLAIN = (
    "The bundled model runs on this machine and nothing leaves it. Ollama on localhost stays local too. "
    "OpenAI, Anthropic or any server on another machine receives the passages of your notes that answer "
    f"a question. API keys are read from {' / '.join(providers.key_variables())}, and sent only to that "
    "provider; another server gets COACH_LLM_API_KEY."
)


class ModelScreen(CoachScreen):
    """Writes llm_provider / llm_model / llm_base_url; every other key in the config file is kept."""

    SCREEN_TITLE = "model"

    def compose_body(self) -> Iterable[Widget]:
        settings = self.app.settings
        with Vertical(id="model-form"):
            yield Static(EXPLAIN, classes="hint", markup=False)
            yield Select(PROVIDERS, value=settings.llm_provider, allow_blank=False, id="provider")
            yield Input(settings.llm_model or "", placeholder="model name (blank: the provider's default)", id="model")
            yield Input(settings.llm_base_url or "", placeholder="base URL (blank: the provider's default)",
                        id="base-url")
            yield Static(_capabilities(settings), id="model-capabilities", classes="hint", markup=False)
            with Horizontal(id="model-buttons"):
                yield Button("Save", id="save-model", variant="primary")
            yield Static("", id="model-status", classes="status", markup=False)

    def focus_main(self) -> None:
        self.query_one("#provider", Select).focus()

    def _values(self) -> dict:
        return {
            "llm_provider": str(self.query_one("#provider", Select).value),
            "llm_model": self.query_one("#model", Input).value.strip() or None,
            "llm_base_url": self.query_one("#base-url", Input).value.strip() or None,
        }

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_capabilities()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_capabilities()

    def _show_capabilities(self) -> None:
        """What the provider as typed can do (the registry's words), before it is saved."""
        try:
            chosen = self.app.settings.model_copy(update=self._values())
            self.query_one("#model-capabilities", Static).update(plain(_capabilities(chosen)))
        except Exception:
            return  # still composing: the line is filled in once every field is there

    def on_button_pressed(self, event: Button.Pressed) -> None:
        values = self._values()
        try:
            path = update_config(values)
        except CoachError as exc:
            self.app.report_error(exc)
            return
        remote = _would_be_remote(self.app.settings, values)
        warning = " Notes WILL be sent to that server." if remote else " Notes stay on this machine."
        self.query_one("#model-status", Static).update(plain(f"Saved to {path}. Restart coach to use it.{warning}"))
        self.notify(clean(f"Saved to {path}; restart coach to switch models."), title="Model", markup=False)


def _capabilities(settings) -> str:
    try:
        return f"This model: {providers.capabilities(settings)}."
    except Exception:  # a half-typed value the registry cannot read yet
        return ""


def _would_be_remote(settings, values: dict) -> bool:
    try:
        return settings.model_copy(update=values).is_remote_llm
    except Exception:
        return True  # cannot tell: warn
