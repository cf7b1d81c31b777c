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
import datetime as dt
import functools
import gzip
import json
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from pagefind.service import get_executable

from digest import paths, platform
from digest.catalog.merge import Catalog
from digest.filesystem import write_whole
from digest.incremental.fingerprint import content_sum, modules_print, records_key
from digest.incremental.shard_store import ShardStore
from digest.model import Paper
from digest.problems import DigestError
from digest.site import escape
from digest.site.render import long_date
from digest.site.search_periods import newest_quarter_parts

SEARCH_DIR = "pagefind"
_PAGEFIND_VERSION = version("pagefind_bin")
_LAYOUT = "shards-5"  # bumped when what a cached bundle holds changes


# A hyphenated compound ("mixture-of-experts"), written again with spaces in the index so
# that a quoted phrase finds both spellings (the search page writes a query's hyphens as
# spaces too).
# Possessive: a word is never given back to try a shorter one (a third of the time on the
# archive's abstracts, the same matches).
_HYPHENATED = re.compile(r"\b\w++(?:-\w++)+")


def spaced_compounds(text: str) -> str:
    """The text's hyphenated compounds with spaces, each once, in order of appearance."""
    seen: dict[str, None] = {}
    for match in _HYPHENATED.finditer(text):
        seen.setdefault(match.group().replace("-", " ").lower(), None)
    return " ".join(seen)


class RecordSource(NamedTuple):
    """All a paper's search record and its entries in the sort file are made from. A
    shard's key is a hash of these, so the records are made only for a shard indexed
    again; and since the record is made from this alone, nothing it shows can be missing
    from the key. What the paper gains elsewhere (a sighting on a later day, a note)
    leaves its shard alone."""

    key: str
    url: str
    title: str
    abstract: str
    authors: tuple[str, ...]
    first_day: dt.date
    topic_slugs: tuple[str, ...]
    upvotes: int | None

    @classmethod
    def of(cls, paper: Paper, anchor: str) -> RecordSource:
        return cls(
            paper.key,
            "/" + paths.paper_url(paper, anchor),
            paper.title,
            paper.abstract,
            tuple(paper.authors),
            paper.first_day,
            paper.topic_slugs,
            paper.upvotes,
        )


def _record(source: RecordSource, topic_titles: dict[str, str]) -> dict[str, Any]:
    # The authors after the abstract: an excerpt is cut from around the matched words,
    # and one that started in the author list began with a stray surname.
    text = " ".join(part for part in (source.title, source.abstract) if part)
    content = " ".join(
        part for part in (text, ", ".join(source.authors), spaced_compounds(text)) if part
    )
    return {
        "type": "AddRecord",
        "url": source.url,
        "content": escape.clean_text(content),
        "language": "en",
        "meta": {
            "title": escape.clean_text(source.title),
            "date": long_date(source.first_day),
            "day": source.first_day.isoformat(),
            # Shown under each result, so a reader sees where a paper sits before opening it.
            "topics": ", ".join(topic_titles[slug] for slug in source.topic_slugs),
            "authors": ", ".join(source.authors[:3])
            + (" et al." if len(source.authors) > 3 else ""),
            **({"upvotes": str(source.upvotes)} if source.upvotes else {}),
        },
        # No Pagefind filters: 1.5 writes them in hash-map order, so the same papers would
        # give different bytes on every build; the search page narrows exactly with each
        # shard's pd-sort.json instead (Shard.sort_keys). No Pagefind sort either: a sort
        # order costs every query about 2.6 bytes a paper.
        "sort": {},
    }


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
            preexec_fn=platform.child_setup(),
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
            chunk = self.process.stdout.read1(1 << 20)  # type: ignore[attr-defined]
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


# Files a merged shard needs; the scripts, styles and WebAssembly come from the primary.
SORT_FILE = "pd-sort.json"
_SHARD_FILES = ("pagefind-entry.json", "*.pf_meta", "index", "fragment", "filter", SORT_FILE)
SHARDS_SCRIPT = "digest-shards.js"
_FRAGMENT_HEADER = b"pagefind_dcd"


@dataclass
class Shard:
    """The papers first listed in one period, indexed as one Pagefind bundle."""

    name: str
    papers: list[RecordSource]
    titles: dict[str, str]
    key: str = ""  # the hash of what its records are made from: the cache entry

    def records(self) -> Iterator[dict[str, Any]]:
        """Made when needed, not kept: at 30,000 papers the records are 100+ MB."""
        for paper in self.papers:
            yield _record(paper, self.titles)

    def sort_keys(self, page_by_url: dict[str, str]) -> dict[str, Any]:
        """What the search page orders results by: for each day, newest first, the
        Pagefind page ids of its papers (as search results name them, less the language
        prefix) and their upvotes, each a space-separated string (the compact form:
        about 5 bytes a paper once compressed).

        Pagefind's own sort would do it, but its sort orders are part of the index every
        query loads (about 2.6 bytes a paper each, 150 KB on 30,000 papers); this file is
        fetched only when a reader asks for another order than the best match."""
        prefix = "en_"
        days: dict[str, list[str]] = {}
        upvotes: dict[str, list[str]] = {}
        topics: dict[str, list[str]] = {}
        for paper in sorted(self.papers, key=lambda p: (-p.first_day.toordinal(), p.key)):
            page = page_by_url[paper.url]
            day = paper.first_day.isoformat()
            days.setdefault(day, []).append(page.removeprefix(prefix))
            upvotes.setdefault(day, []).append(str(paper.upvotes or 0))
            for slug in paper.topic_slugs:
                topics.setdefault(slug, []).append(page.removeprefix(prefix))
        return {
            "prefix": prefix,
            "days": {
                day: [" ".join(ids), " ".join(upvotes[day])]
                if any(v != "0" for v in upvotes[day])
                else [" ".join(ids)]
                for day, ids in days.items()
            },
            # Each topic's papers: the search page narrows to a topic with these, exactly.
            "topics": {slug: " ".join(ids) for slug, ids in sorted(topics.items())},
        }


# Papers per group of older quarters, at most (unless one quarter alone has more). Every
# shard costs a query its meta and one or two index chunks (about 26 KB each for a
# group), so shards stay few (at 6,000 a 30,000-paper digest had 7 and one query fetched
# 550 KB; at 7,500 it has 5 and 455 KB); a shard is held in Pagefind's memory whole
# (about 120 KB a paper), so they stay below 1 GB.
SHARD_PAPERS = 7500
# Pagefind processes indexing at once, and the papers they may hold together (about
# 120 KB each): two cores, and the build's peak memory under 1.5 GB at 30,000 papers.
PARALLEL_JOBS = 2
PARALLEL_PAPERS = 7000


def plan_shards(
    catalog: Catalog, anchors: dict[str, str], shard_papers: int = SHARD_PAPERS
) -> list[Shard]:
    """The newest quarter is up to three shards of its own (``search_periods``), so a new
    day re-indexes its week only; the quarters before it are grouped, oldest first, into
    shards of at most ``shard_papers`` papers, so a group changes only when a quarter
    ends and joins it.

    Shards come newest first; the first is the primary bundle. Never empty: the primary
    carries the scripts every page loads, so a digest without papers still has one.
    """
    titles = {topic.slug: topic.title for topic in catalog.topics}
    by_quarter: dict[str, list[RecordSource]] = {}
    for paper in catalog.papers:
        source = RecordSource.of(paper, anchors[paper.key])
        by_quarter.setdefault(paths.quarter(paper.first_day), []).append(source)
    if not by_quarter:
        empty = Shard("empty", [], titles)
        empty.key = _records_key(empty.papers, titles)
        return [empty]
    # Each quarter's papers in an order of their own records (the catalog's puts a paper
    # sighted again first): an old quarter's bytes, and its key, stay as they were.
    for sources in by_quarter.values():
        sources.sort(key=lambda source: (source.first_day, source.key))
    *complete, newest = sorted(by_quarter)
    recent = newest_quarter_parts(by_quarter[newest], lambda source: source.first_day)
    groups: list[list[str]] = []
    size = 0
    for name in complete:
        count = len(by_quarter[name])
        if groups and size + count <= shard_papers:
            groups[-1].append(name)
            size += count
        else:
            groups.append([name])
            size = count
    shards = []
    for name, papers in recent:
        shard = Shard(name, papers, titles)
        shard.key = _records_key(papers, titles)
        shards.append(shard)
    for group in reversed(groups):
        papers = [paper for name in group for paper in by_quarter[name]]
        label = group[0] if len(group) == 1 else f"{group[0]}_{group[-1]}"
        shard = Shard(label, papers, titles)
        shard.key = _records_key(papers, titles)
        shards.append(shard)
    return shards


class SearchIndexJob:
    """Builds the search index in the background: Pagefind is its own process, so it
    indexes on the second core while MkDocs renders pages on the first.

    The index is split into shards by period (see ``plan_shards``), merged in the
    reader's browser with Pagefind's ``mergeIndex``. Each shard is cached under the hash
    of its records (and Pagefind's version): a new day re-indexes only its own quarter, a
    rebuild whose papers did not change re-indexes nothing, and a Pagefind process holds
    one shard in memory.
    """

    def __init__(
        self, catalog: Catalog, anchors: dict[str, str], output: Path, cache: ShardStore
    ) -> None:
        self.output = output
        self.cache = cache
        self.error: BaseException | None = None
        self.shards = plan_shards(catalog, anchors)
        self.missing = [shard for shard in self.shards if not cache.has(shard.key, _complete)]
        self.reused = len(self.shards) - len(self.missing)
        # Largest first, so the small newest parts fill in beside a large group.
        self.queue = sorted(self.missing, key=lambda shard: -len(shard.papers))
        self.in_flight = 0
        self.turns = threading.Condition()
        # Started here, in the building thread, before any other thread exists: the child's
        # pre-exec step (die with its parent) is only safe in a single-threaded fork, and
        # the parent-death signal follows the thread that forked. They idle, small, until
        # their turn; each exits once its shard is written.
        self.services = {shard.key: PagefindService() for shard in self.missing}
        self.threads = [
            threading.Thread(target=self._work, daemon=True)
            for _ in range(min(PARALLEL_JOBS, len(self.missing)))
        ]
        for thread in self.threads:
            thread.start()

    def _next_shard(self) -> Shard | None:
        """A shard to index now, once memory allows: several Pagefind processes may run
        at once while the papers they hold together stay within ``PARALLEL_PAPERS``."""
        with self.turns:
            while self.queue and self.error is None:
                for shard in self.queue:
                    size = len(shard.papers)
                    if self.in_flight == 0 or self.in_flight + size <= PARALLEL_PAPERS:
                        self.queue.remove(shard)
                        self.in_flight += size
                        return shard
                self.turns.wait()
            return None

    def _work(self) -> None:
        while (shard := self._next_shard()) is not None:
            size = len(shard.papers)
            service = self.services[shard.key]
            try:
                staging = self.cache.staging(shard.key)
                sums, page_by_url = _write_index(service, shard.records(), staging)
                sort_file = json.dumps(shard.sort_keys(page_by_url), separators=(",", ":")).encode()
                (staging / SORT_FILE).write_bytes(sort_file)
                sums[SORT_FILE] = content_sum(sort_file)
                _check_bundle(staging)
                self.cache.commit(shard.key, staging, sums)
            except BaseException as err:  # re-raised in the building thread by wait()
                with self.turns:
                    self.error = self.error or err
            finally:
                service.close()
                with self.turns:
                    self.in_flight -= size
                    self.turns.notify_all()

    def cancel(self) -> None:
        """Stop Pagefind if the build failed before it finished; harmless after wait()."""
        with self.turns:
            self.queue.clear()
            self.turns.notify_all()
        for service in self.services.values():
            service.close()
        for thread in self.threads:
            thread.join()

    def wait(self) -> list[str]:
        """Once every shard is indexed: link the bundles into ``output`` (a folder that
        may hold an earlier site's: ``publish.spare``); the files placed, relative to it."""
        for thread in self.threads:
            thread.join()
        for service in self.services.values():
            service.close()
        if self.error is not None:
            raise self.error
        primary, *others = self.shards
        placed = self.cache.link(primary.key, self.output, lambda relative: True)
        for shard in others:
            linked = self.cache.link(shard.key, self.output / shard.name, _shard_file)
            placed += [f"{shard.name}/{relative}" for relative in linked]
        names = json.dumps([shard.name for shard in others])
        write_whole(self.output / SHARDS_SCRIPT, f"window.digestSearchShards = {names};\n".encode())
        placed.append(SHARDS_SCRIPT)
        self.cache.prune({shard.key for shard in self.shards})
        return placed


# The code a shard's bundle is made with besides Pagefind: the records and the sort file
# (this module), their text (escape), their URLs (paths) and dates (render). In the key,
# so an edit of it re-indexes, rather than a version number someone must remember to bump.
_RECORD_CODE = ("digest.site.search", "digest.site.escape", "digest.paths", "digest.site.render")


@functools.cache
def _bundle_salt() -> str:
    return f"{_PAGEFIND_VERSION} {_LAYOUT}\n{modules_print(*_RECORD_CODE)}"


def _records_key(papers: list[RecordSource], titles: dict[str, str]) -> str:
    """A shard's key: what its records are made from, the code that makes them, and
    every topic's slug and title (records name topics by title, the sort file by slug: a
    renamed slug with the same title changes only the sort file)."""
    salt = f"{_bundle_salt()}\n{json.dumps(titles, sort_keys=True, ensure_ascii=False)}"
    return records_key(salt, papers)


def _shard_file(relative: str) -> bool:
    """The files of a merged shard: its index, not Pagefind's scripts and WebAssembly
    (the primary bundle's serve every shard)."""
    first = relative.split("/")[0]  # a name, matched as a string: 10,000 a build
    return any(fnmatchcase(first, pattern) for pattern in _SHARD_FILES)


def _complete(bundle: Path) -> bool:
    try:
        _check_bundle(bundle)
    except DigestError:
        return False
    return True


def _check_bundle(output: Path) -> None:
    """A bundle whose entry file does not parse is not published."""
    entry = output / "pagefind-entry.json"
    try:
        json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DigestError(
            f"Pagefind wrote an incomplete search index ({entry.name}: {err})"
        ) from err


def _write_index(
    service: PagefindService, records: Iterable[dict[str, Any]], output: Path
) -> tuple[dict[str, str], dict[str, str]]:
    """Index the records into ``output``; returns each file written with its SHA-256,
    and the Pagefind page id (its fragment's name, as search results give it) of each
    record's URL."""
    (created,) = service.request_many([{"type": "NewIndex", "config": {"force_language": "en"}}])
    index_id = created["index_id"]
    service.request_many([{**record, "index_id": index_id} for record in records])
    # The files come back in the answer and are written here: Pagefind answers WriteFiles
    # before its own writes are done, so a bundle it wrote itself could be cut short.
    (answer,) = service.request_many([{"type": "GetFiles", "index_id": index_id}])
    folders: set[Path] = set()
    sums: dict[str, str] = {}
    page_by_url: dict[str, str] = {}
    for file in answer["files"]:
        # Checked on the name alone: a shard has thousands of files, and resolving each
        # path on disk cost more than writing it.
        relative = PurePosixPath(file["path"])
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise DigestError(f"Pagefind named a file outside its folder: {file['path']}")
        target = output.joinpath(*relative.parts)
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        content = base64.b64decode(file["content"])
        target.write_bytes(content)
        sums[relative.as_posix()] = content_sum(content)
        if relative.parts[0] == "fragment":
            page_by_url[_fragment_url(content)] = relative.name.removesuffix(".pf_fragment")
    return sums, page_by_url


def _fragment_url(content: bytes) -> str:
    """The URL a Pagefind fragment (gzipped, after a fixed header) is about."""
    text = gzip.decompress(content)
    if not text.startswith(_FRAGMENT_HEADER):
        raise DigestError("Pagefind wrote a search fragment in a form this version does not know")
    url: str = json.loads(text[len(_FRAGMENT_HEADER) :])["url"]
    return url
