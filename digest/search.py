"""The Pagefind search index, one record per paper, built from the catalog.

Indexing the catalog rather than the rendered HTML gives one result per paper (not one
per day page), and costs no HTML parsing.

We talk to the Pagefind binary's ``--service`` mode directly (base64 JSON messages, each
ended by a comma), because the ``pagefind`` package's Python client waits 0.1 s before
reading each reply: 17 minutes for 10,000 papers. Here all records stream in while a
thread reads the replies.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pagefind.service import get_executable

from digest import escape, paths
from digest.catalog import Catalog
from digest.model import Paper
from digest.problems import DigestError
from digest.render import long_date

SEARCH_DIR = "pagefind"
_PAGEFIND_VERSION = version("pagefind_bin")


def _record(paper: Paper, anchor: str, topic_titles: dict[str, str]) -> dict[str, Any]:
    content = " ".join(
        part for part in (paper.title, ", ".join(paper.authors), paper.abstract) if part
    )
    return {
        "type": "AddRecord",
        "url": "/" + paths.paper_url(paper, anchor),
        "content": escape.clean_text(content),
        "language": "en",
        "meta": {
            "title": escape.clean_text(paper.title),
            "date": long_date(paper.first_day),
            # Shown under each result, so a reader sees where a paper sits before opening it.
            "topics": ", ".join(topic_titles[slug] for slug in paper.topic_slugs),
        },
        # No filters (topic, month) yet: Pagefind 1.5 writes filter indexes in hash-map
        # order, so the same papers would give different bytes on every build.
        "sort": {"date": paper.first_day.isoformat()},
    }


def _die_with_parent() -> None:
    """In the Pagefind child: be killed when the build dies. A build killed with SIGKILL
    must not leave an orphan writing into the next build's staging folder."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


class PagefindService:
    """A minimal client of ``pagefind --service``: send requests, read replies in order."""

    def __init__(self) -> None:
        binary = get_executable()
        if binary is None:
            raise DigestError(
                "the Pagefind binary is missing; install paper-digest again (pip install 'pagefind[bin]')"
            )
        self.process = subprocess.Popen(
            [str(binary), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.next_id = 0
        self.pending = b""

    def _encode(self, payload: dict[str, Any]) -> bytes:
        self.next_id += 1
        message = {"message_id": self.next_id, "payload": payload}
        return base64.b64encode(json.dumps(message).encode()) + b","

    def _read_replies(self, count: int) -> list[dict[str, Any]]:
        assert self.process.stdout is not None
        replies: list[dict[str, Any]] = []
        chunks: list[bytes] = [self.pending]
        while len(replies) < count:
            chunk = self.process.stdout.read1(1 << 20)
            if not chunk:
                raise DigestError(
                    "Pagefind stopped while indexing; run digest build -v to see more"
                )
            if b"," not in chunk:
                chunks.append(chunk)  # part of a long answer (the files); joined once complete
                continue
            *complete, rest = (b"".join(chunks) + chunk).split(b",")
            chunks = [rest]
            for message in complete:
                payload = json.loads(base64.b64decode(message))["payload"]
                if payload.get("type") == "Error":
                    raise DigestError(f"Pagefind: {payload.get('message')}")
                replies.append(payload)
        self.pending = b"".join(chunks)
        return replies

    def request_many(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        assert self.process.stdin is not None
        messages = b"".join(self._encode(p) for p in payloads)
        writer = threading.Thread(target=self._write, args=(messages,), daemon=True)
        writer.start()
        replies = self._read_replies(len(payloads))
        writer.join()
        return replies

    def _write(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def close(self) -> None:
        """Stop Pagefind now (a failed or cancelled build)."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class SearchIndexJob:
    """Builds the Pagefind bundle in the background: Pagefind is its own process, so it
    indexes on the second core while MkDocs renders pages on the first.

    The bundle is cached under the hash of its records (and Pagefind's version): a
    rebuild whose papers did not change (a template, a note, the theme) reuses it, which
    on the two-year archive saves the 11-13 s Pagefind takes.
    """

    def __init__(
        self, catalog: Catalog, anchors: dict[str, str], output: Path, cache: Path | None = None
    ) -> None:
        self.output = output
        self.error: BaseException | None = None
        self.service: PagefindService | None = None
        self.thread: threading.Thread | None = None
        titles = {topic.slug: topic.title for topic in catalog.topics}
        records = [_record(p, anchors[p.key], titles) for p in catalog.papers]
        self.cache_entry = cache / _records_key(records) if cache is not None else None
        self.reused = self.cache_entry is not None and _complete(self.cache_entry)
        if self.reused:
            return
        # Started here, in the building thread, before any other thread exists: the child's
        # pre-exec step (die with its parent) is only safe in a single-threaded fork.
        self.service = PagefindService()
        self.thread = threading.Thread(target=self._run, args=(records,), daemon=True)
        self.thread.start()

    def _run(self, records: list[dict[str, Any]]) -> None:
        try:
            assert self.service is not None
            _write_index(self.service, records, self.output)
            _check_bundle(self.output)
            if self.cache_entry is not None:
                _store(self.output, self.cache_entry)
        except BaseException as err:  # re-raised in the building thread by wait()
            self.error = err
        finally:
            if self.service is not None:
                self.service.close()

    def cancel(self) -> None:
        """Stop Pagefind if the build failed before it finished; harmless after wait()."""
        if self.thread is None:
            return
        if self.thread.is_alive() and self.service is not None:
            self.service.close()
        self.thread.join()

    def wait(self) -> Path:
        if self.reused:
            assert self.cache_entry is not None
            _link_tree(self.cache_entry, self.output)
            return self.output
        assert self.thread is not None
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.output


def _records_key(records: list[dict[str, Any]]) -> str:
    digest = hashlib.sha256(_PAGEFIND_VERSION.encode())
    for record in records:
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:32]


def _complete(folder: Path) -> bool:
    try:
        _check_bundle(folder)
    except DigestError:
        return False
    return True


def _link_tree(source: Path, target: Path) -> None:
    """Hard links where the file system allows, copies elsewhere: the bundle is read-only."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, copy_function=link)


def _store(bundle: Path, entry: Path) -> None:
    """Keep this bundle as the only cached one (written aside, then renamed into place)."""
    for old in entry.parent.glob("*") if entry.parent.exists() else []:
        shutil.rmtree(old, ignore_errors=True)
    staging = entry.with_name(entry.name + ".partial")
    _link_tree(bundle, staging)
    os.replace(staging, entry)


def _check_bundle(output: Path) -> None:
    """A bundle whose entry file does not parse is not published."""
    entry = output / "pagefind-entry.json"
    try:
        json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DigestError(
            f"Pagefind wrote an incomplete search index ({entry.name}: {err})"
        ) from err


def _write_index(service: PagefindService, records: list[dict[str, Any]], output: Path) -> None:
    (created,) = service.request_many([{"type": "NewIndex", "config": {"force_language": "en"}}])
    index_id = created["index_id"]
    service.request_many([{**record, "index_id": index_id} for record in records])
    # The files come back in the answer and are written here: Pagefind answers WriteFiles
    # before its own writes are done, so a bundle it wrote itself could be cut short.
    (answer,) = service.request_many([{"type": "GetFiles", "index_id": index_id}])
    for file in answer["files"]:
        target = output / file["path"]
        if not target.resolve().is_relative_to(output.resolve()):
            raise DigestError(f"Pagefind named a file outside its folder: {file['path']}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(file["content"]))
