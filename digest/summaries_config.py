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
from urllib.parse import urlsplit

from digest.problems import Problems, unknown_key

_KEYS = {"base_url", "model", "language", "max_per_run", "api_key_env", "timeout"}


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


def _text(raw: dict[str, Any], key: str, default: str, problems: Problems, file: str) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        problems.error(
            file, f"summaries.{key}", "must be text, e.g. " + (default or "deepseek-chat")
        )
        return default
    return value.strip()


def parse_summaries(raw: Any, problems: Problems, file: str) -> SummariesConfig:
    if raw is None:
        return SummariesConfig()
    if not isinstance(raw, dict):
        problems.error(
            file, "summaries", "must be a mapping, e.g. summaries: {base_url: ..., model: ...}"
        )
        return SummariesConfig()
    for key in sorted(set(map(str, raw)) - _KEYS):
        problems.warn(file, f"summaries.{key}", unknown_key(key, _KEYS))
    base_url = _text(raw, "base_url", "", problems, file) if "base_url" in raw else ""
    if base_url and urlsplit(base_url).scheme not in ("http", "https"):
        problems.error(
            file, "summaries.base_url", "must be an http(s) URL, e.g. https://api.openai.com/v1"
        )
        base_url = ""
    model = _text(raw, "model", "", problems, file) if "model" in raw else ""
    if bool(base_url) != bool(model):
        problems.error(
            file,
            "summaries",
            "needs both base_url and model (e.g. https://api.openai.com/v1 and gpt-4o-mini)",
        )
    maximum = raw.get("max_per_run", 200)
    if not isinstance(maximum, int) or isinstance(maximum, bool) or maximum < 0:
        problems.error(file, "summaries.max_per_run", "must be a whole number of papers, 0 or more")
        maximum = 200
    timeout = raw.get("timeout", 60)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
        problems.error(file, "summaries.timeout", "must be a number of seconds, e.g. 60")
        timeout = 60
    key_env = _text(raw, "api_key_env", "OPENAI_API_KEY", problems, file)
    if not key_env.replace("_", "").isalnum():
        problems.error(
            file,
            "summaries.api_key_env",
            "must be the name of an environment variable (the key itself never goes in a file)",
        )
        key_env = "OPENAI_API_KEY"
    return SummariesConfig(
        base_url=base_url.rstrip("/"),
        model=model,
        language=_text(raw, "language", "English", problems, file),
        max_per_run=maximum,
        api_key_env=key_env,
        timeout=float(timeout),
    )
