"""Extract stage: segmentation decisions and fields read from instructions."""

from __future__ import annotations

import pytest

from exercise_pipeline.clean import clean
from exercise_pipeline.extract import ExtractSettings, extract, repair_truncated
from exercise_pipeline.extract.features import is_instruction, name_score
from exercise_pipeline.extract.fields import parse_fields
from exercise_pipeline.models import Extraction, Format, Range
from exercise_pipeline.parse import parse

from .test_parse import doc_of


def extracted(
    text: str, fmt: Format = Format.TEXT, *, settings: ExtractSettings | None = None
) -> Extraction:
    return extract(clean(parse(doc_of(text, fmt))), settings=settings)


@pytest.mark.parametrize(
    "heading",
    [
        "10 Exercises to Relieve Back Pain",
        "What are the causes of lower back pain?",
        "Final Words",
        "Benefits Of Movement For Low Back Pain Relief",
        "Your Back Pain Travel Rules",
        "Sciatica",
        "Exercises to avoid",
    ],
)
def test_titles_questions_and_conditions_do_not_read_as_names(heading: str) -> None:
    assert name_score(heading).total < 1


@pytest.mark.parametrize(
    "heading",
    ["Knee to Chest", "Glute Bridges Exercise", "Cat-Cow Pose", "Dead Bug", "Wall Squats"],
)
def test_exercise_names_read_as_names(heading: str) -> None:
    assert name_score(heading).total >= 1


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Lie on your back with your knees bent.", True),
        ("Slowly lower the knee back down.", True),
        ("Hold for 5 seconds.", True),
        ("To perform a lateral lunge, start standing with feet apart.", True),
        ("On a yoga mat, start by lying on your back.", True),
        ("Lower back pain is one of the most common complaints.", False),
        ("The lateral lunge is a great way to strengthen your lower body.", False),
        ("Activates the entire core – abdominals, lower back, and gluteus muscles.", False),
        ("Use this stretch to align the pelvis.", False),
    ],
)
def test_instruction_sentences(sentence: str, expected: bool) -> None:
    assert is_instruction(sentence) is expected


def test_list_title_between_name_and_steps_is_stepped_over_and_restart_is_unnamed() -> None:
    text = (
        "Plank On Elbows\n\n10 Exercises to Relieve Back Pain\n\n"
        "1. Lie face down on the ground.\n\n2. Hold for 30 seconds.\n\n3. Repeat 10 times.\n\n"
        "1. Position yourself on all fours.\n\n2. Lift one knee to hip level.\n\n"
        "3. Repeat 10 times on each side.\n\nFinal Words\n\nStretch daily.\n"
    )
    result = extracted(text)
    named, unnamed = result.mentions
    assert named.name == "Plank On Elbows"
    assert named.steps == (
        "Lie face down on the ground.",
        "Hold for 30 seconds.",
        "Repeat 10 times.",
    )
    assert "list_title_skipped" in named.flags
    assert unnamed.name == "" and "unnamed" in unnamed.flags
    assert unnamed.steps[0] == "Position yourself on all fours."
    assert {s.title for s in result.sections} >= {
        "10 Exercises to Relieve Back Pain",
        "Final Words",
    }


def test_name_instruction_bullets_with_the_same_name_stay_two_mentions() -> None:
    text = (
        "• Sitting on Ball: Sit on an exercise ball. Raise your right arm, then repeat.\n"
        "• Sitting on Ball: Alternate raising each foot off the floor.\n"
    )
    first, second = extracted(text).mentions
    assert (first.name, second.name) == ("Sitting on Ball", "Sitting on Ball")
    assert first.key.endswith("#sitting-on-ball") and second.key.endswith("#sitting-on-ball-2")
    assert "same_name_in_source" in first.flags
    assert second.steps == ("Alternate raising each foot off the floor.",)


def test_missing_step_is_flagged_and_mojibake_bullets_repaired() -> None:
    text = (
        "Glute Bridges\n\nThis exercise strengthens your glutes.\n\n"
        "âStep 1: Lie on your back.\n\nâStep 3: Hold for 3 deep breaths.\n"
    )
    (m,) = extracted(text).mentions
    assert m.steps == ("Lie on your back.", "Hold for 3 deep breaths.")
    assert "missing_step" in m.flags
    assert m.fields.hold_breaths == Range(3, 3)


def test_truncated_heading_is_repaired_from_the_body() -> None:
    assert repair_truncated("Ial Crunches", "Partial crunches are simple.") == "Partial Crunches"
    assert repair_truncated("Lateral Lunge", "Lateral lunges can be done anywhere") is None


def test_labelled_entries_and_set_level_prose() -> None:
    md = (
        "### Squats\n\nTargeted muscles: Glutes and quads.\n\n"
        "Instructions: Stand tall. Sit back.\n\n"
        "Tips: Keep your chest up.\n\nStrength training builds muscle for life.\n\n"
        "### Lunges\n\nInstructions: Step forward. Repeat 10 times on each side.\n\n"
        "Rest 60 seconds between these exercises.\n"
    )
    squats, lunges = extracted(md, Format.MARKDOWN).mentions
    assert squats.steps == ("Stand tall.", "Sit back.")
    assert squats.tips == ("Keep your chest up.",)
    assert squats.fields.target_areas == ("glutes", "quadriceps")
    assert all("Strength training" not in t for t in (*squats.description, *squats.tips))
    assert lunges.fields.repetitions == Range(10, 10) and lunges.fields.per_side
    assert all("these exercises" not in s for s in lunges.steps)


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("Hold for 5 to 10 seconds.", "hold_seconds", Range(5, 10)),
        ("Hold for 20-30 seconds.", "hold_seconds", Range(20, 30)),
        ("Hold for one second then lower.", "hold_seconds", Range(1, 1)),
        ("Hold the tension for 30 seconds to 1 minute.", "hold_seconds", Range(30, 60)),
        ("Hold this position for a second or two.", "hold_seconds", Range(1, 2)),
        ("Hold for ten breaths in total.", "hold_breaths", Range(10, 10)),
        ("Repeat ten times.", "repetitions", Range(10, 10)),
        ("Repeat this stretch 2 to 3 times.", "repetitions", Range(2, 3)),
        ("Repeat up to five times.", "repetitions", Range(1, 5)),
        ("Do 4 sets x 5 repetitions.", "sets", Range(4, 4)),
        ("Do 4 sets x 5 repetitions.", "repetitions", Range(5, 5)),
        ("Do this for 15 to 20 minutes.", "duration_seconds", Range(900, 1200)),
    ],
)
def test_doses(text: str, field: str, value: Range) -> None:
    fields, where = parse_fields("X", [("step", text)])
    assert getattr(fields, field) == value
    assert (field, 0) in where


def test_frequency_position_equipment_side() -> None:
    items = [
        ("step", "On a yoga mat, lie on your back with a towel under your head."),
        ("step", "Repeat on the other side, up to three times a day."),
        ("step", "Bend your knees as if you were going to sit in a chair."),
    ]
    fields, _ = parse_fields("Seated Twist", items)
    assert fields.position == "seated"  # the name says so
    assert fields.per_side is True
    assert fields.frequency is not None and fields.frequency.per_day == Range(1, 3)
    assert fields.equipment == ("mat", "towel")  # "as if ... chair" is a comparison
    morning, _ = parse_fields("X", [("step", "Repeat 2 to 3 times in the morning and at night.")])
    assert morning.frequency is not None and morning.frequency.per_day == Range(2, 2)
    assert morning.repetitions == Range(2, 3)


def names(text: str, fmt: Format = Format.MARKDOWN) -> list[str]:
    return [m.name for m in extracted(text, fmt).mentions]


def test_exercises_to_avoid_are_not_extracted() -> None:
    md = (
        "## Safe Stretches\n\n### Knee to Chest\n\nLie on your back. Pull one knee in. "
        "Hold 20 seconds.\n\n"
        "## Exercises to Avoid\n\n### Sit-Ups\n\nLie on your back and curl all the way up. "
        "This strains "
        "the discs.\n\n### Toe Touches\n\nStand and bend to touch your toes. Repeat 10 times.\n\n"
        "## Strengthening\n\n### Bridge\n\nLie on your back and lift your hips. Hold for 5 "
        "seconds.\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == ["Knee to Chest", "Bridge"]
    assert {s.title for s in result.sections if s.kind == "avoid"} >= {"Sit-Ups", "Toe Touches"}


def test_best_and_worst_is_not_an_avoid_section() -> None:
    md = "# Best and Worst Ab Exercises\n\n#### Dead Bug\n\n1. Lie on your back.\n2. Lift a leg.\n"
    assert names(md) == ["Dead Bug"]


def test_products_faq_conditions_and_checklists_are_not_exercises() -> None:
    md = (
        "## Our Pick: ProRoll Foam Roller\n\nThis high-density roller costs $29.99 with "
        "free shipping. "
        "Lie on it and roll your back.\n\n"
        "## What is sciatica?\n\nSciatica is pain along the sciatic nerve. Lie down if it "
        "flares.\n\n"
        "## Sciatica\n\nIt often comes from a herniated disc.\n\n"
        "## What to Bring\n\n- Water bottle\n- Towel\n- Mat\n\n"
        "## Cat-Cow\n\nGet on all fours. Arch and round your back 10 times.\n"
    )
    assert names(md) == ["Cat-Cow"]


def test_references_and_routine_summaries_are_not_new_mentions() -> None:
    md = (
        "### Bird-Dog\n\n1. Start on hands and knees.\n2. Extend one arm and the opposite leg.\n\n"
        "### Bird-Dog (See Above)\n\nCore exercise that builds back endurance.\n\n"
        "## Sample Routine\n\n1. Walking: 5-10 minutes\n2. Pelvic tilts: 10 reps\n"
        "3. Bird-dog: 5 each side\n"
    )
    # "Bird-dog: 5 each side" points at Bird-Dog; a plan's entries that the article describes
    # nowhere are its mentions, "Name: dose" as "Name - dose" (labelled so in unseen plans)
    assert names(md) == ["Bird-Dog", "Walking", "Pelvic tilts"]
    refs = [s.title for s in extracted(md, Format.MARKDOWN).sections if s.kind == "reference"]
    assert "Bird-dog" in refs


def test_hard_wrapped_prose_article() -> None:
    text = (
        "Exercise Back Pain Away\n\n"
        "Many people have back pain at some point, and gentle stretching\n"
        "can help a great deal when it is done every day.\n\n"
        "Hip flexor stretch\n"
        "Kneel on one knee with the other foot forward and the knee bent at\n"
        "ninety degrees. Push your hips forward until you feel a stretch at the\n"
        "front of the hip. Hold for 30 seconds and switch sides.\n\n"
        "Calf stretch\n"
        "Stand facing a wall with one foot behind the other and lean into the\n"
        "wall until you feel a stretch in the back leg. Hold for 30 seconds.\n"
    )
    result = extracted(text, Format.TEXT)
    assert [m.name for m in result.mentions] == ["Hip flexor stretch", "Calf stretch"]
    hip, calf = result.mentions
    assert hip.steps[0].startswith(
        "Kneel on one knee with the other foot forward and the knee bent at ninety"
    )
    assert hip.fields.hold_seconds == Range(30, 30) and hip.fields.per_side
    assert calf.fields.equipment == ("wall",)


def test_front_matter_iframes_and_tables() -> None:
    md = (
        '+++\ntitle = "Neck routine"\n+++\n\n'
        '<iframe src="https://www.youtube.com/embed/x"></iframe>\n\n'
        "| Exercise | How | Dose |\n|---|---|---|\n"
        "| Chin Tuck | Sit tall and draw your chin straight back. | 10 reps |\n"
        "| Neck Rotation | Turn your head slowly to one side and hold. | 5 each side |\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == ["Chin Tuck", "Neck Rotation"]
    assert result.mentions[0].fields.repetitions == Range(10, 10)
    rules = {r.rule for r in result.cleaned.removals}
    assert {"front-matter", "embedded-html"} <= rules


def test_bold_lead_in_names_under_group_headings() -> None:
    md = (
        "### Foot and Ankle\n\n"
        "**Ankle Circles** - Sit tall and draw slow circles with one foot. Ten each way.\n\n"
        "**Towel Scrunches** - Use your toes to pull a towel towards you. 20 reps.\n\n"
        "**Toe Spreads** - Spread the toes wide, hold, and relax.\n\n"
        "### Hips\n\n"
        "**Side Leg Raise (aka the Fonda)** - Lie on your side and lift the top leg.\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == [
        "Ankle Circles",
        "Towel Scrunches",
        "Toe Spreads",
        "Side Leg Raise",
    ]
    assert result.mentions[-1].alt_names == ("Fonda",)
    assert result.mentions[1].fields.repetitions == Range(20, 20)


def test_label_headings_keep_their_numbered_steps() -> None:
    md = (
        "### 1. Curl-Up (Modified Crunch)\n\n**Why:** Strengthens the abdominals.\n\n**How to:**\n"
        "1. Lie on your back, one knee bent\n2. Brace core\n3. Hold 8-10 seconds\n"
        "4. Lower and repeat\n\n**Key:** Do not curl all the way up.\n\n"
        "### Cat-Cow\n\n**How to:**\n1. Hands and knees position\n2. **Cow:** Drop the belly\n"
        "3. **Cat:** Round the back\n"
    )
    curl, cat_cow = extracted(md, Format.MARKDOWN).mentions
    assert (curl.name, curl.alt_names) == ("Curl-Up", ("Modified Crunch",))
    assert curl.steps == (
        "Lie on your back, one knee bent",
        "Brace core",
        "Hold 8-10 seconds",
        "Lower and repeat",
    )
    assert curl.tips == ("Do not curl all the way up.",)
    assert curl.fields.hold_seconds == Range(8, 10)
    assert cat_cow.steps == (
        "Hands and knees position",
        "Cow: Drop the belly",
        "Cat: Round the back",
    )


def test_labelled_dose_lines_are_fields_and_intro_labels_are_not_mentions() -> None:
    md = (
        "# Knee Rehabilitation\n\nDuration / Frequency: 4 to 6 weeks, 3 to 5 times per week.\n\n"
        "## Seated Knee Extension\n\nSets: 2\n\nRepetitions: 12 per leg\n\n"
        "Description: Sit on a chair. Slowly straighten one knee, then lower it.\n\n"
        "Tips: Keep your back straight.\n"
    )
    (m,) = extracted(md, Format.MARKDOWN).mentions
    assert m.name == "Seated Knee Extension"
    assert m.fields.sets == Range(2, 2) and m.fields.repetitions == Range(12, 12)
    assert m.fields.per_side is True and m.fields.position == "seated"
    assert "Slowly straighten one knee, then lower it." in m.steps
    assert m.tips == ("Keep your back straight.",)


def test_reader_comments_and_page_leftovers_go() -> None:
    md = (
        "## Bridge\n\nLie on your back and lift your hips. Hold 5 seconds.\n\nRead more..\n\n"
        "(word count 612)\n\nPPPPP\n\n← Back to all articles\n\n"
        "## Comments\n\n### Hunter\n\nGreat video! Try hip hinges too.\n\n@Hunter - Thanks!\n"
    )
    result = extracted(md, Format.MARKDOWN)
    kept = " ".join(b.text for b in result.cleaned.blocks)
    for junk in ("Read more", "word count", "PPPPP", "Back to all", "Hunter", "Great video"):
        assert junk not in kept
    assert [m.name for m in result.mentions] == ["Bridge"]


def test_hold_duration_and_sides() -> None:
    fields, _ = parse_fields("Neck Rolls", [("step", "Roll your head slowly for 30 seconds.")])
    assert fields.hold_seconds is None and fields.duration_seconds == Range(30, 30)
    both, _ = parse_fields("Prone Lift", [("step", "Lift both legs off the floor.")])
    assert both.per_side is None
    target, _ = parse_fields("X", [("step", "This stretches the back of your neck.")])
    assert target.target_areas == ("neck",)


def test_a_markdown_post_with_players_stays_markdown() -> None:
    from exercise_pipeline.sources import detect_format

    md = "---\ntitle: x\n---\n\n" + '<iframe src="https://y.tv/e/1"></iframe>\n\n' * 4
    md += "## Figure 4 Stretch\n\nSit tall and cross one ankle over the other knee.\n"
    assert detect_format(md, "post.md")[0] is Format.MARKDOWN
    assert names(md) == ["Figure 4 Stretch"]
