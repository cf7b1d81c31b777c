"""``digest fetch --from --to`` for arXiv: the missed days, harvested through OAI-PMH.

rss.arxiv.org only ever holds today's announcement, so a day the daily run missed is
gone from it. arXiv's OAI-PMH interface (the one it asks bulk clients to use) has every
record: ``ListRecords`` in the ``arXivRaw`` format (it gives each version's submission
time, which fixes the announcement day), one ``set`` per archive (cs, math, physics...),
every record changed since the first missed day (a paper replaced since its announcement
has a later datestamp, and is found all the same), pages followed by resumptionToken,
one request every ``fetch.arxiv_delay`` seconds (3 at least, as arXiv asks), 503 and
Retry-After honoured by the HTTP client.

The records are then filed like the daily feed: one OAI-PMH document per category and
announcement day, ``listings/arxiv/<category>/<day>.xml``, holding the papers announced
that day (new, cross-listed, or replaced), sorted by id and written atomically. A day
that already has its rss.arxiv.org listing keeps it; a second run writes nothing new.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from digest.ingest.http_client import FetchError, RetryPolicy, get, looks_like_html
from digest.ingest.readers.arxiv_oai import OAI, placement

METADATA_PREFIX = "arXivRaw"
SMALLEST_DELAY = 3.0  # arXiv's terms: no more than one request every three seconds
# Archives whose categories have sets of their own; every physics archive (hep-th,
# cond-mat, astro-ph...) is in the set "physics".
_OWN_SETS = {"cs", "econ", "eess", "math", "q-bio", "q-fin", "stat"}

# Prefixes for the documents written (ElementTree would name them ns0, ns1...).
for _prefix, _uri in (
    ("oai", OAI.strip("{}")),
    ("arXivRaw", "http://arxiv.org/OAI/arXivRaw/"),
    ("arXiv", "http://arxiv.org/OAI/arXiv/"),
    ("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
):
    ET.register_namespace(_prefix, _uri)


def set_of(category: str) -> str:
    """The OAI-PMH set holding an arXiv category: ``cs.LG`` -> ``cs``, ``hep-th`` -> ``physics``."""
    archive = category.split(".")[0]
    return archive if archive in _OWN_SETS else "physics"


@dataclass
class Harvest:
    """The records of one set changed since a day, by arXiv id (the newest answer wins)."""

    set_spec: str
    records: dict[str, ET.Element]
    pages: int = 0


class Harvester:
    def __init__(
        self,
        base_url: str,
        policy: RetryPolicy,
        delay: float,
        sleep: Callable[[float], None] = time.sleep,
        run_ends: float | None = None,
    ) -> None:
        self.base_url = base_url
        self.policy = policy
        self.delay = max(delay, SMALLEST_DELAY)
        self.sleep = sleep
        self.run_ends = run_ends
        self.requests = 0

    def _page(self, query: dict[str, str]) -> ET.Element:
        """One answer, parsed; an answer cut short or an HTML page is asked for again."""
        url = f"{self.base_url}?{urllib.parse.urlencode(query)}"
        problem = ""
        for _ in range(self.policy.attempts):
            if self.requests:
                self.sleep(self.delay)
            self.requests += 1
            body = get(url, self.policy, self.sleep, self.run_ends)
            try:
                root = defused_fromstring(body, forbid_dtd=True)
            except DefusedXmlException as err:
                if looks_like_html(body):  # an overload page: asked again
                    problem = "an HTML page where OAI-PMH XML was expected"
                    continue
                # Not damage that a second try mends: arXiv never sends a DTD.
                raise FetchError(
                    f"an answer with a DOCTYPE or entity declarations from {url}; refused "
                    "(they can expand without bound or read files), not asked again"
                ) from err
            except ET.ParseError as err:
                problem = (
                    "an HTML page where OAI-PMH XML was expected"
                    if looks_like_html(body)
                    else f"an answer cut short or damaged ({err})"
                )
                continue
            if root.tag != f"{OAI}OAI-PMH":
                problem = f"XML that is not an OAI-PMH answer (<{root.tag}>)"
                continue
            return root
        raise FetchError(f"{problem} from {url}, {self.policy.attempts} times")

    def harvest(self, set_spec: str, since: dt.date) -> Harvest:
        """Every record of ``set_spec`` changed since ``since``, following resumption
        tokens; an expired token starts the list again (once), keeping what was read."""
        first = {
            "verb": "ListRecords",
            "metadataPrefix": METADATA_PREFIX,
            "set": set_spec,
            "from": since.isoformat(),
        }
        found = Harvest(set_spec, {})
        query = first
        restarted = False
        tokens: set[str] = set()
        while True:
            root = self._page(query)
            found.pages += 1
            error = root.find(f"{OAI}error")
            if error is not None:
                code = error.get("code", "")
                if code == "noRecordsMatch":
                    return found
                if code == "badResumptionToken" and not restarted:
                    restarted = True
                    tokens.clear()  # the list again from its start hands out its tokens again
                    query = first
                    continue
                raise FetchError(f"OAI-PMH error {code}: {(error.text or '').strip()}")
            listed = root.find(f"{OAI}ListRecords")
            if listed is None:
                raise FetchError("an OAI-PMH answer without ListRecords")
            for record in listed.findall(f"{OAI}record"):
                identifier = record.findtext(f"{OAI}header/{OAI}identifier") or ""
                found.records[identifier.strip()] = record
            token = (listed.findtext(f"{OAI}resumptionToken") or "").strip()
            if not token:
                return found
            if token in tokens:
                # A server that hands back a token it gave before would be asked the
                # same page until the run's deadline (hundreds of requests).
                raise FetchError(
                    f"the resumptionToken {token[:60]!r} came back a second time after "
                    f"{found.pages} pages; the harvest of {set_spec} stopped there"
                )
            tokens.add(token)
            query = {"verb": "ListRecords", "resumptionToken": token}


def day_documents(
    harvest: Harvest, category: str, days: list[dt.date]
) -> dict[dt.date, tuple[bytes, int]]:
    """The OAI-PMH document of each day (with its paper count) for one category: the
    records announced that day (version 1 or a newer version) that carry the category."""
    wanted = set(days)
    chosen: dict[dt.date, list[tuple[str, ET.Element]]] = {day: [] for day in days}
    for identifier, record in harvest.records.items():
        placed = placement(record)
        if placed is None or category not in placed.categories:
            continue
        for day in {placed.new, placed.newest} & wanted:
            chosen[day].append((identifier, record))
    documents = {}
    for day, records in chosen.items():
        if not records:
            continue
        root = ET.Element(f"{OAI}OAI-PMH")
        request = ET.SubElement(
            root,
            f"{OAI}request",
            {"verb": "ListRecords", "metadataPrefix": METADATA_PREFIX, "set": harvest.set_spec},
        )
        request.text = (
            "arXiv OAI-PMH, filed by digest fetch for " + category + " on " + day.isoformat()
        )
        listed = ET.SubElement(root, f"{OAI}ListRecords")
        for _, record in sorted(records, key=lambda pair: pair[0]):
            listed.append(record)
        body = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
        documents[day] = (body, len(records))
    return documents
