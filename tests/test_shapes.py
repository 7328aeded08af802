"""Shapes that unseen articles share (issue 10): labelled-field sections, bold labels with
terse bullets, references, prefixed names. Each test is a small article written for its
shape, with what must be kept and what must be gone; none is a copy of a real article."""

from __future__ import annotations

from pipeline.models import Format, Range

from .test_extract import extracted

FIELD_SECTIONS = """# Six moves for a stiff hip

## The moves

### 1. Clamshell

**Target:** Glutes, outer hip
**Difficulty:** Beginner
**Hold:** 2 seconds at the top | **Reps:** 12 per side

The clamshell wakes up the muscles on the side of the hip that a desk job switches off.

**How to perform:**

1. Lie on your side with your knees bent and stacked.
2. Keep your feet together and lift the top knee as far as your pelvis allows.
3. Lower it slowly and repeat.

**Progression:** Loop a light band above your knees.

**Common mistake:** Rolling the pelvis backwards to lift the knee higher.

### 2. Hip Flexor Lunge Stretch

**Target:** Hip flexors
**Difficulty:** Beginner
**Hold:** 30 seconds per side | **Reps:** 2 per side

Sitting all day shortens the front of the hip; this stretch lengthens it again.

**How to perform:**

1. Kneel on one knee with the other foot flat in front of you.
2. Tuck your tailbone under and shift your weight forward until the front of the hip stretches.

**Common mistake:** Arching the lower back instead of tucking the pelvis.
"""


def test_labelled_field_sections_are_one_mention_each_with_their_fields() -> None:
    result = extracted(FIELD_SECTIONS, Format.MARKDOWN)
    clam, lunge = result.mentions
    assert (clam.name, lunge.name) == ("Clamshell", "Hip Flexor Lunge Stretch")
    assert clam.steps[-3:] == (
        "Lie on your side with your knees bent and stacked.",
        "Keep your feet together and lift the top knee as far as your pelvis allows.",
        "Lower it slowly and repeat.",
    )
    assert clam.fields.repetitions == Range(12, 12) and clam.fields.per_side
    assert lunge.fields.hold_seconds == Range(30, 30) and lunge.fields.repetitions == Range(2, 2)
    said = " ".join((*clam.description, *clam.tips))
    assert "band above your knees" in said and "Rolling the pelvis" in said
    assert "glutes" in clam.fields.target_areas
    for m in result.mentions:  # no label becomes an exercise of its own
        assert not m.name.startswith(("Target", "Common mistake", "How to", "Progression"))


def test_a_heading_inside_a_numbered_list_item_names_the_exercise() -> None:
    md = (
        "# Desk stretches\n\n"
        "1. ##### Chin Tuck\n\n"
        "   **Movement:**\n\n"
        "   Sit tall and draw your chin straight back. Hold for 5 seconds. Repeat ten times.\n\n"
        "2. ##### Shoulder Roll\n\n"
        "   **Movement:**\n\n"
        "   Lift your shoulders to your ears and roll them back and down. Repeat ten times.\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == ["Chin Tuck", "Shoulder Roll"]
    assert result.mentions[0].fields.hold_seconds == Range(5, 5)
    assert all("#" not in b.text for b in result.cleaned.blocks)
