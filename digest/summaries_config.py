"""The ``summaries:`` section of digest.yml: which model ``digest summarize`` asks for the
gist of each paper, and how much at a time.

    summaries:
      base_url: https://api.deepseek.com/v1     # any OpenAI-compatible endpoint
      model: deepseek-chat
      language: English                          # the language the gists are written in
      max_per_run: 200                           # papers asked at most per run
      api_key_env: OPENAI_API_KEY                # the environment variable holding the key

The key itself is never in a file: only the name of the variable that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digest.options import Kind, Option, Section, Wrong, http_url, kind, seconds, whole
from digest.problems import Problems


@dataclass(frozen=True)
class SummariesConfig:
    base_url: str = ""
    model: str = ""
    language: str = "English"
    max_per_run: int = 200
    api_key_env: str = "OPENAI_API_KEY"
    timeout: float = 60.0  # seconds one answer may take

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


def _text(example: str) -> Kind:
    return kind(
        f"text, e.g. {example}", lambda v: isinstance(v, str) and bool(v.strip()), str.strip
    )


def _variable_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip().replace("_", "").isalnum():
        raise Wrong(
            "must be the name of an environment variable (the key itself never goes in a file)"
        )
    return value.strip()


SUMMARIES = Section(
    "summaries",
    "{base_url: ..., model: ...}",
    (
        Option(
            "base_url",
            http_url("an http(s) URL, e.g. https://api.openai.com/v1"),
            "the OpenAI-compatible endpoint asked for gists",
            ("summarize", "pages"),
            "https://api.deepseek.com/v1",
        ),
        Option(
            "model",
            _text("deepseek-chat"),
            "the model that writes them (a gist by another model is not shown)",
            ("summarize", "pages"),
            "deepseek-chat",
        ),
        Option(
            "language",
            _text("English"),
            "the language the gists are written in",
            ("summarize", "pages"),
            "Français",
        ),
        Option(
            "max_per_run",
            whole(0, "papers"),
            "papers asked at most per run",
            ("summarize",),
            50,
        ),
        Option(
            "api_key_env",
            Kind("the name of an environment variable", _variable_name),
            "the environment variable holding the key",
            ("summarize",),
            "DEEPSEEK_API_KEY",
        ),
        Option(
            "timeout",
            seconds("a number of seconds, e.g. 60", positive=True),
            "seconds one answer may take",
            ("summarize",),
            120,
        ),
    ),
    SummariesConfig,
)


def parse_summaries(raw: Any, problems: Problems, file: str) -> SummariesConfig:
    """``summaries:``, whose base_url and model come together or not at all."""
    values = SUMMARIES.read(raw, problems, file).values
    if bool(values["base_url"]) != bool(values["model"]):
        problems.error(
            file,
            "summaries",
            "needs both base_url and model (e.g. https://api.openai.com/v1 and gpt-4o-mini)",
        )
    return SummariesConfig(**values)
