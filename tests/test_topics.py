"""Topic rules: whole words, plurals, phrases, excludes; the shipped taxonomy's balance."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO

from digest.build import read_everything
from digest.catalog.merge import build_catalog
from digest.catalog.topics import assign_topics, term_matches
from digest.config import Topic
from digest.model import Appearance, Origin, Paper

OTHER = Topic("other", "Other", "")


def paper(title: str, abstract: str = "") -> Paper:
    origin = Origin("x.txt", "line 1")
    return Paper(
        key=f"title:{title}",
        title=title,
        abstract=abstract,
        appearances=(Appearance(dt.date(2025, 3, 11), "test", 1, origin),),
    )


@pytest.mark.parametrize(
    ("term", "text", "matches"),
    [
        ("RL", "We release the URL of our code", False),
        ("RL", "Offline RL for robots", True),
        ("RL", "RL-based fine-tuning", True),
        ("language model", "Large Language Models are few-shot learners", True),
        ("LLM", "Many LLMs disagree", True),
        ("policy", "Two policies compared", True),
        ("mixture of experts", "A mixture-of-experts router", True),
        ("mixture of experts", "a mixture of some experts", False),
        ("agent", "agentic workflows", False),
        ("GPU", "on GPUs and TPUs", True),
        ("box", "three boxes", True),
        ("GPT-4", "GPT-4o is another model", False),
        ("chain-of-thought", "chain of thought prompting", True),
    ],
)
def test_term_matching(term: str, text: str, matches: bool) -> None:
    assert term_matches(term, text) is matches


def test_topic_match_says_which_term_and_field() -> None:
    rl = Topic("rl", "RL", "", include=("reinforcement learning", "RL"))
    result = assign_topics(
        paper("Offline RL at scale", "We study reinforcement learning."), (rl,), OTHER
    )
    assert [(m.slug, m.term, m.field) for m in result] == [
        ("rl", "reinforcement learning", "abstract")
    ]


def test_exclude_terms_and_catch_all() -> None:
    compression = Topic(
        "compression",
        "Compression",
        "",
        include=("compression",),
        exclude=("lossless compression",),
    )
    result = assign_topics(paper("Lossless Compression with Circuits"), (compression,), OTHER)
    assert [m.slug for m in result] == ["other"]
    result = assign_topics(paper("Model compression"), (compression,), OTHER)
    assert [m.slug for m in result] == ["compression"]


def test_shipped_taxonomy_fits_the_seed() -> None:
    outcome = read_everything(REPO, None)
    catalog = build_catalog(outcome.papers, outcome.config)
    papers = len(catalog.papers)
    counts = Counter(slug for p in catalog.papers for slug in p.topic_slugs)
    rules = outcome.config.topics
    assert 8 <= len(rules) <= 15
    for topic in rules:
        assert 0 < counts[topic.slug] <= 0.40 * papers, (topic.slug, counts[topic.slug])
    assert counts[outcome.config.catch_all.slug] < 0.10 * papers
    assert all(p.topics for p in catalog.papers)


def test_config_file_documents_the_matching_rules() -> None:
    text = (REPO / "digest.yml").read_text(encoding="utf-8")
    assert "whole words" in text and "plurals" in text


def test_every_shipped_topic_has_title_description_and_unique_slug() -> None:
    outcome = read_everything(REPO, None)
    topics = outcome.config.all_topics
    assert len({t.slug for t in topics}) == len(topics)
    assert all(t.title and t.description for t in topics)


def test_field_scoped_terms_keep_slam_labs_out_of_slam() -> None:
    """cv-arxiv-daily files a paper by "SLAM Labs" under SLAM; a rule scoped to the title
    and abstract, with the lab excluded in the authors, does not."""
    from dataclasses import replace as with_fields

    slam = Topic(
        "slam",
        "SLAM",
        "",
        include=("SLAM", "localization and mapping"),
        exclude=("authors:SLAM Labs",),
    )
    by_lab = with_fields(
        paper("A Better Tokenizer", "We present a tokenizer."), authors=("Ann Lee", "SLAM Labs")
    )
    assert [m.slug for m in assign_topics(by_lab, (slam,), OTHER)] == ["other"]
    about_slam = paper("Visual SLAM at scale", "Simultaneous localization and mapping for robots.")
    assert [(m.slug, m.term, m.field) for m in assign_topics(about_slam, (slam,), OTHER)] == [
        ("slam", "SLAM", "title")
    ]
    categories = Topic("cl", "CL", "", include=("categories:cs.CL",))
    tagged = with_fields(paper("x"), categories=("cs.CL", "cs.AI"))
    assert [(m.slug, m.field) for m in assign_topics(tagged, (categories,), OTHER)] == [
        ("cl", "categories")
    ]


def test_explain_says_why_for_each_topic(capsys: pytest.CaptureFixture[str]) -> None:
    from digest.cli import main

    assert (
        main(
            [
                "topics",
                "-C",
                str(REPO),
                "--explain",
                "Lossless Compression with Probabilistic Circuits",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Lossless Compression with Probabilistic Circuits (no arXiv id)"
    assert "  probabilistic: IN, include term 'probabilistic circuit' found in the title" in out
    assert (
        "  efficiency: out, include term 'compression' found in the title but exclude term "
        "'lossless compression' in the title"
    ) in out
    assert "  reasoning: out, none of its 8 include terms is in the title, abstract" in out
    assert "  other: out, rules matched" in out
    # Then what the site shows, after the curator's file (issue 12).
    assert out[-1] == "  on the site under: generative, architectures, probabilistic"


def test_diff_lists_what_each_topic_gains_and_loses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from digest.cli import main

    rules = tmp_path / "narrower.yml"
    rules.write_text(
        "topics:\n  - slug: surveys\n    title: Surveys\n    include: [survey]\n"
        "  - slug: reasoning\n    title: Reasoning & math\n    include: [title:reasoning]\n",
        encoding="utf-8",
    )
    assert main(["topics", "-C", str(REPO), "--diff", str(rules), "--all"]) == 0
    out = capsys.readouterr().out
    # Against the narrower rules, digest.yml's reasoning rule gains the papers that say
    # "reasoning" only in their abstract, and surveys keeps exactly what it had.
    assert "surveys:" not in out
    reasoning = out.split("reasoning: +")[1].split("\n")[0]
    gained, lost = (int(n) for n in reasoning.replace(" -", " ").split())
    assert gained > 5 and lost == 0
    assert (
        "  + (no id)  SciBench: Evaluating College-Level Scientific Problem-Solving Abilities of Large Language Models"
        in out
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "topics:\n  - slug: a\n    include: [x\n",
            ": line 4: not valid YAML (expected ',' or ']', but got '<stream end>'); fix the "
            "line shown, or name another rules file",
        ),
        (
            "topics: " + "[" * 100 + "]" * 100 + "\n",
            ": line 1: not valid YAML (lists or mappings nested too deeply (brackets over 32 "
            "deep)); fix the line shown, or name another rules file",
        ),
        (
            "topics:\n" + "- " * 2000 + "x\n",
            ": not valid YAML (lists or mappings nested too deeply (hundreds of levels)); name "
            "another rules file",
        ),
    ],
)
def test_a_rules_file_that_is_not_yaml_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    from digest.cli import main

    rules = tmp_path / "broken.yml"
    rules.write_text(text, encoding="utf-8")
    assert main(["topics", "-C", str(REPO), "--diff", str(rules)]) == 1
    err = capsys.readouterr().err
    assert err == f"digest: {rules}{said}\n"
