"""Templates compiled once, not in every build: the Python code Jinja makes of each
template, kept in the user's cache folder (``$XDG_CACHE_HOME/paper-digest/compiled``).

Compiling the page templates and the theme's took 0.3-0.4 CPU s of every build (about 50
templates, the same each day). Compiled templates are code, so they are kept where
Python keeps its own (``__pycache__``), never in ``.digest/``: that folder comes back from
a shared cache (actions/cache) that anyone who can write it can plant files in, and
nothing restored from it is run (DESIGN, "Caches are data").

Jinja checks each kept entry against its template's source (a hash of it). The code
Jinja makes depends on the environment too: its extensions (MkDocs adds the i18n one when
Babel is installed, and a plugin or hook may add its own), delimiters and whitespace
options; those are in each entry's name with the template's. What else it depends on
(Python's version, ours, Jinja's, MkDocs' and the theme's: the code fingerprint) names
the folder, so that any of them changing starts a new folder and the old one goes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from digest.incremental.fingerprint import code_fingerprint


def user_cache_folder() -> Path | None:
    """Where this user's caches go (the XDG base directory rule); None without a home."""
    named = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(named):
        return Path(named) / "paper-digest"
    try:
        return Path.home() / ".cache" / "paper-digest"
    except (RuntimeError, KeyError):
        return None


def environment_print(env: jinja2.Environment) -> str:
    """What of an environment the code Jinja compiles from a template depends on."""
    finalize = env.finalize
    autoescape = env.autoescape
    return repr(
        (
            sorted(
                f"{type(ext).__module__}.{type(ext).__qualname__}"
                for ext in env.extensions.values()
            ),
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.is_async,
            autoescape
            if isinstance(autoescape, bool)
            else getattr(autoescape, "__qualname__", "?"),
            None if finalize is None else getattr(finalize, "__qualname__", "?"),
        )
    )


def compiled_templates(kind: str) -> CompiledTemplates | None:
    """The compiled templates of one environment (``kind``: ours or MkDocs')."""
    folder = user_cache_folder()
    return None if folder is None else CompiledTemplates(folder / "compiled", kind)


class CompiledTemplates(jinja2.BytecodeCache):
    def __init__(self, folder: Path, kind: str) -> None:
        salt = f"{sys.version}\n{code_fingerprint()}"
        self.folder = folder / f"{kind}-{hashlib.sha256(salt.encode()).hexdigest()[:16]}"
        self._kind = kind
        self._swept = False

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        """Jinja's, with the environment's part in the key (``environment_print``)."""
        key = hashlib.sha256(
            f"{name}\0{filename}\0{environment_print(environment)}".encode()
        ).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = (self.folder / bucket.key).read_bytes()
        except OSError:
            return
        try:
            bucket.bytecode_from_string(data)
        except Exception:  # a damaged entry: the template is compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Written aside and renamed into place (a killed build leaves no half entry); a
        folder that cannot be written only means compiling again next time."""
        with contextlib.suppress(OSError):
            self._sweep()
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(bucket.bytecode_to_string())
                os.replace(temporary, self.folder / bucket.key)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

    def _sweep(self) -> None:
        """Folders of this kind that earlier code or versions wrote: never read again. (Two
        versions in use on one machine take each other's away: each compiles again, no
        more; nothing here is worth a warning.)"""
        if self._swept:
            return
        self._swept = True
        if self.folder.parent.is_dir():
            for other in self.folder.parent.iterdir():
                if other.name.startswith(f"{self._kind}-") and other != self.folder:
                    shutil.rmtree(other, ignore_errors=True)
