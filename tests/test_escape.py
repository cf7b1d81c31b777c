"""The escaping policy on its own: what becomes markup in paper text, and what never does."""

from __future__ import annotations

import pytest

from digest.site.escape import rich_text, safe_url, text


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("a $x^2 + y$ formula", 'a <span class="arithmatex">\\(x^2 + y\\)</span> formula'),
        ("inline \\( A \\) math", 'inline <span class="arithmatex">\\( A \\)</span> math'),
        ("display \\[ E = mc^2 \\]", 'display <span class="arithmatex">\\[ E = mc^2 \\]</span>'),
        ("$$ a < b $$", '<span class="arithmatex">\\[ a &lt; b \\]</span>'),
        ("costs $5 and $10 today", "costs $5 and $10 today"),
        ("<b>bold</b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co"),
        ("**not bold** {{ x }}", "**not bold** {{ x }}"),
        (
            "see https://github.com/a/b. And (https://x.org/p_(q)).",
            'see <a href="https://github.com/a/b">https://github.com/a/b</a>. And '
            '(<a href="https://x.org/p_(q)">https://x.org/p_(q)</a>).',
        ),
        ("javascript:alert(1) and data:text/html,x", "javascript:alert(1) and data:text/html,x"),
        ("bell\x07 and nul\x00 gone", "bell and nul gone"),
    ],
)
def test_rich_text(source: str, html: str) -> None:
    assert str(rich_text(source)) == html


def test_plain_text_and_urls() -> None:
    assert str(text('<script>"x"</script>')) == "&lt;script&gt;&quot;x&quot;&lt;/script&gt;"
    assert safe_url("https://arxiv.org/abs/1") == "https://arxiv.org/abs/1"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url(" HTTPS://Example.org/ ") == "HTTPS://Example.org/"
    assert safe_url("https://a b") is None


def test_text_mode_latex_outside_formulas_shows_as_meant() -> None:
    from digest.site.escape import latex_text

    assert latex_text(r"gains of 10\% \& more in Fig.~3, \textbf{\emph{bold}}") == (
        "gains of 10% & more in Fig.\u00a03, bold"
    )
    assert (
        latex_text(r"LLMs (e.g., {\tt GPT-3.5}) on {\sc MwpBench}")
        == "LLMs (e.g., GPT-3.5) on MwpBench"
    )
    # A tilde that means "about", and one in a URL, stay.
    assert latex_text("~10x faster, see https://x.org/~me") == "~10x faster, see https://x.org/~me"
    # Inside a formula nothing changes.
    assert str(rich_text(r"$a\%b$ and 5\%")) == '<span class="arithmatex">\\(a\\%b\\)</span> and 5%'


def test_a_gist_is_the_ai_summary_or_the_first_sentence_never_cut_in_a_formula() -> None:
    from digest.site.gist import first_sentence

    assert first_sentence("We study e.g. transformers. Then more.") == "We study e.g. transformers."
    assert first_sentence("We set $a. B$ here. Next.") == "We set $a. B$ here."
    long = "word " * 100
    cut = first_sentence(long)
    assert cut.endswith(" …") and len(cut) <= 302
    formula = "x " * 140 + "$" + "y + " * 40 + "y$"
    assert "$" not in first_sentence(formula)


def test_sentences_end_at_each_mark_outside_abbreviations_and_every_kind_of_formula() -> None:
    from digest.site.gist import sentences

    text = (
        "Is it new?  Yes!\nWe set \\(a. B\\) and \\[c! D\\] and $$e? F$$ and $g. H$ here. "
        "Results vs. Baselines improve. 3 more.  (Bracketed) words. $x$ leads. \\alpha too."
    )
    assert sentences(text) == [
        "Is it new?",
        "Yes!",
        "We set \\(a. B\\) and \\[c! D\\] and $$e? F$$ and $g. H$ here.",
        "Results vs. Baselines improve.",
        "3 more.",
        "(Bracketed) words.",
        "$x$ leads.",
        "\\alpha too.",
    ]
    # A formula left open is no formula: the text after its opener still splits.
    assert sentences("Costs \\( rise. They fall.") == ["Costs \\( rise.", "They fall."]


def test_a_formula_that_lost_its_backslashes_is_shown_as_written() -> None:
    """Upstream listings sometimes drop LaTeX's backslashes ("$mathcal{O}(n)$"): typeset,
    that is italic letter soup; shown as text, it still reads."""
    from digest.site.escape import rich_text

    shown = str(
        rich_text("It costs $mathcal{O}(n^2 log n)$ time and $\\mathcal{O}(n)$ memory, $x_t$.")
    )
    assert shown == (
        'It costs $mathcal{O}(n^2 log n)$ time and <span class="arithmatex">\\(\\mathcal{O}(n)\\)</span>'
        ' memory, <span class="arithmatex">\\(x_t\\)</span>.'
    )
