"""Clean stage: text repair with a trail, and junk removed sentence by sentence with reasons."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise_pipeline.align import Aligned
from exercise_pipeline.clean import _within, clean
from exercise_pipeline.clean.drugs import promotion_rule
from exercise_pipeline.clean.repair import repair
from exercise_pipeline.models import Format
from exercise_pipeline.parse import parse

from .test_parse import doc_of


def cleaned(text: str, fmt: Format = Format.TEXT):  # type: ignore[no-untyped-def]
    return clean(parse(doc_of(text, fmt)))


def kept_text(text: str, fmt: Format = Format.TEXT) -> str:
    return "\n".join(b.text for b in cleaned(text, fmt).blocks)


def test_repairs_are_recorded_with_fixer_and_source_span() -> None:
    source = "Letâs go. âStep 1: Lie down. youre fine, dont rush.\u00a0"
    text, repairs = repair(Aligned.from_source(source, 0), "s")
    assert text.text == "Let's go. Step 1: Lie down. you're fine, don't rush."
    fixers = {r.fixer for r in repairs}
    assert {"lost_apostrophe", "lost_bullet", "contractions", "spaces"} <= fixers
    apostrophe = next(r for r in repairs if r.fixer == "lost_apostrophe")
    assert source[slice(*apostrophe.span)] == "â"
    assert apostrophe.after == "'"


def test_a_repair_of_text_the_parser_put_there_is_made_without_a_source_span() -> None:
    # a table cell that ends in a link whose text is a URL leaves "guide: " before the row's
    # " | " joiner: the doubled space is partly the joiner's, which no source holds; the
    # article builds (it was "could not be processed") and every recorded repair has a span
    md = (
        "| | I followed this guide: [https://www.youtube.com/watch?v=abc](https://www.youtube"
        ".com/watch?v=abc) | W-1 | |\n| | Second row here | W-2 | |\n"
    )
    result = cleaned(md, Format.MARKDOWN)
    assert [b.text for b in result.blocks] == [
        "I followed this guide: | W-1", "Second row here | W-2",
    ]  # fmt: skip
    assert all(md[slice(*r.span)] == r.before for r in result.repairs if r.before.strip())


@pytest.mark.parametrize(
    "text",
    [
        "its fine to rest",  # its is a word
        "I cant lie down",  # cant is a word
        "we were told to rest well",  # were, well are words
        "a château",  # â inside a real word
    ],
)
def test_repairs_leave_real_words_alone(text: str) -> None:
    fixed, repairs = repair(Aligned.from_source(text, 0), "s")
    assert fixed.text == text
    assert repairs == []


@pytest.mark.parametrize(
    ("spam", "rule_prefix"),
    [
        ("Tapaday 200 also helps to ease stiff back muscles.", "drug-"),  # lexicon + dose
        ("Zolfresh 10 also helps relax your back.", "drug-dose"),  # unknown brand with a dose
        (
            "Myoflexadol also helps relieve the tension in the hips.",
            "drug-stem",
        ),  # unknown, drug stem
        ("Cyclobenzaprine is a muscle relaxant that relieves spasms fast.", "drug-"),  # dictionary
        ("Buy Flexeril online without a prescription.", "drug-"),
        ("Vendaxin also works wonders for lower back pain.", "drug-spliced-claim"),  # nothing known
        # the product's form, its class, its delivery or its dose: no name any list holds
        ("Soothex gel also helps ease sore hamstrings after the stretch.", "drug-"),
        ("Pair this stretch with Lorvexin, the natural muscle relaxer.", "drug-"),
        ("Get Zentromax delivered to your door in two days.", "drug-"),
        ("A daily dose of Myorelax Forte keeps the spasms away.", "drug-"),
    ],
)
def test_drug_promotions_with_brands_no_article_contains_are_cut(
    spam: str, rule_prefix: str
) -> None:
    paragraph = (
        "Lie on your back with your knees bent. " + spam + " Hold for 20 seconds and repeat twice."
    )
    result = cleaned("Knee to Chest\n\n" + paragraph + "\n")
    kept = "\n".join(b.text for b in result.blocks)
    assert spam not in kept
    assert "Lie on your back with your knees bent." in kept
    assert "Hold for 20 seconds and repeat twice." in kept
    (removal,) = [r for r in result.removals if r.reason == "drug_promotion"]
    assert removal.rule.startswith(rule_prefix), removal.rule
    assert spam in removal.text


@pytest.mark.parametrize(
    "sentence",
    [
        "This helps you without the negative side effects of medications.",
        "Ask your doctor about pain relief before you start.",
        "Consult your doctor if you take medication for back pain.",
        "Place a foam roller under your mid-back.",
        "Foam rolling also helps release the tension in your back.",
        "Theraband also helps add resistance to the exercise.",
        "Yoga also helps relieve stress.",
        "Hold the Cobra Pose for 30 seconds.",
        "Ibuprofen can mask pain, so avoid stretching right after taking it.",
        "A warm bath or a heat pack also helps ease sore muscles.",
        "Rub a little massage oil or cream into the calf before you start.",
        "Use a gel pad under your knees if the floor is hard.",
        "Order matters: do the bridges before the planks.",
    ],
)
def test_medication_advice_and_brand_like_equipment_stay(sentence: str) -> None:
    assert promotion_rule(sentence, sentence) is None
    assert sentence in kept_text("Stretch\n\nLie down. " + sentence + "\n")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Read Also: Should I Go To The Doctor", "link_bait"),
        ("You May Like: How To Fix Back Pain", "link_bait"),
        ("Don’t Miss: What Back Pain Feels Like", "link_bait"),
        ("Recommended Reading: When To Go To Hospital", "link_bait"),
        ("Leave a Reply", "comment_form"),
        ("Your email address will not be published. Required fields are marked *", "comment_form"),
        ("Add Comment", "comment_form"),
        ("Author: Jane Smith", "byline"),
        ("Tuesday, July 9, 2024", "page_furniture"),
        ("HomeExclusiveWhat Exercises Relieve Back Pain", "navigation"),
        ("ALL >> Health >> View Article", "navigation"),
        ("Most Popular", "related_list"),
        ("Learn More", "page_furniture"),
        ("Skip to content", "page_furniture"),
        ("Table of Contents", "page_furniture"),
        ("Share on Facebook", "page_furniture"),
        ("Call us today: (555) 123-4567", "page_furniture"),
    ],
)
def test_furniture_lines_go_with_their_reason(line: str, reason: str) -> None:
    result = cleaned("Bridge\n\nLie on your back and lift your hips.\n\n" + line + "\n")
    assert [r.reason for r in result.removals] == [reason]
    assert "Lie on your back and lift your hips." in "\n".join(b.text for b in result.blocks)


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        (
            "If in pain, get in touch with professionals specifically at Back Pain Ashford Kent.",
            "business_promotion",
        ),
        ("Book an appointment with our physiotherapists today.", "business_promotion"),
        ("Subscribe to the StretchWell app for daily routines.", "business_promotion"),
        ("This stretch works best alongside chiropractic adjustments.", "business_promotion"),
        ("For maximum accountability, join your local Gold's Gym!", "business_promotion"),
        ("To go directly to each action, click on each one.", "link_bait"),
    ],
)
def test_business_plugs_are_cut_from_the_middle_of_instructions(sentence: str, reason: str) -> None:
    text = "Plank\n\nLie face down. " + sentence + " Hold for 30 seconds.\n"
    result = cleaned(text)
    kept = "\n".join(b.text for b in result.blocks)
    assert sentence not in kept
    assert "Lie face down." in kept and "Hold for 30 seconds." in kept
    assert [r.reason for r in result.removals] == [reason]


def test_related_list_with_bylines_goes_whole() -> None:
    text = (
        "Heel Slides: Lie flat. Slide one heel. Repeat ten times.\nAdd Comment\nHealth Articles\n"
        "1. 8 Best Vitamins For 2025Author: Vikash Sharma\n2. 6 Reasons Why Your Spine Sounds Odd\n"
        "Author: Katerina Vlasova\n3. Bipolar Disorder Treatments\nAuthor: cognizant\n"
    )
    result = cleaned(text)
    assert [b.text for b in result.blocks] == [
        "Heel Slides: Lie flat. Slide one heel. Repeat ten times."
    ]
    reasons = {r.reason for r in result.removals}
    assert reasons == {"comment_form", "related_list", "byline"}


def test_markup_left_in_plain_text_is_removed_keeping_link_text() -> None:
    text = (
        "Cobra\n\n![pose](http://x/cobra.jpg) Lie on your **stomach** and see "
        "[this video](http://v) first.\n"
    )
    result = cleaned(text)
    assert [b.text for b in result.blocks][-1] == "Lie on your stomach and see this video first."
    assert {r.rule for r in result.removals} >= {"md-image", "md-link", "md-emphasis"}


def test_scrape_header_and_export_metadata_go() -> None:
    md = (
        "Title: Routine\n\nURL Source: https://x.org/r\n\nPublished Time: 2020-04-05\n\n"
        "Markdown Content:\nThis routine suits beginners.\n\n**SEO Title:** Best routine\n\n"
        "## Plank\n\nLie face down.\n"
    )
    result = cleaned(md, Format.MARKDOWN)
    assert [b.text for b in result.blocks] == [
        "This routine suits beginners.",
        "Plank",
        "Lie face down.",
    ]
    assert all(r.reason in ("markup", "page_furniture") for r in result.removals)


_SPANS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=12,
)


@given(_SPANS, _SPANS)
def test_inside_a_removal_is_decided_as_the_naive_scan_decides(
    removals: list[tuple[int, int]], repairs: list[tuple[int, int]]
) -> None:
    """A repair inside a removal is dropped: bisection over the removals' reach answers as
    checking every removal does."""
    inside = _within(sorted(removals))
    for span in repairs:
        assert inside(span) == any(a <= span[0] and span[1] <= b for a, b in removals)
