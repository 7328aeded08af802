"""Shapes that unseen articles share (issue 10): labelled-field sections, bold labels with
terse bullets, references, prefixed names. Each test is a small article written for its
shape, with what must be kept and what must be gone; none is a copy of a real article."""

from __future__ import annotations

from exercise_pipeline.models import Format, Range

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
    assert clam.variations == ("Loop a light band above your knees.",)  # "Progression:"
    assert any("Rolling the pelvis" in t for t in clam.tips)  # "Common mistake:"
    assert clam.fields.difficulty == "beginner"  # "Difficulty: Beginner"
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


def test_bold_labels_naming_exercises_with_terse_bullets_are_mentions() -> None:
    md = (
        "## Desk breaks for a stiff neck\n\n"
        "Try these every hour.\n\n"
        "**Neck Side Bends:**\n\n- Ear toward shoulder\n- Hold 20-30 seconds each side\n\n"
        "**Chin Tucks:**\n\n- Sit tall, pull the chin straight back\n- Hold 5 seconds, 10 times\n\n"
        "**Shoulder Shrugs:**\n\n- Lift both shoulders to the ears\n- Drop and relax, 10 times\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == ["Neck Side Bends", "Chin Tucks", "Shoulder Shrugs"]
    side = result.mentions[0]
    assert side.steps == ("Ear toward shoulder", "Hold 20-30 seconds each side")
    assert side.fields.hold_seconds == Range(20, 30) and side.fields.per_side


def test_bold_labels_of_symptoms_or_settings_are_not_exercises() -> None:
    md = (
        "## Is your car seat hurting your back?\n\n"
        "**Physical Issues:**\n\n- Lower back pain after long drives\n- Numbness in the legs\n\n"
        "**Seat Height:**\n\n- Hips level with or slightly above the knees\n"
        "- Thighs supported along the seat\n\n"
        "**Steering Wheel:**\n\n- Arms slightly bent at the elbows\n- Wrists resting on the top\n"
    )
    assert [m.name for m in extracted(md, Format.MARKDOWN).mentions] == []


def test_label_prefixes_and_taglines_are_not_part_of_the_name() -> None:
    md = (
        "# Upper body day\n\n"
        "### Exercise: Lat Pulldown - Kayla\n\n"
        "Sit at the machine and pull the bar down to your chest. Do 3 sets of 10.\n\n"
        "### Stretch 2: Doorway Chest Stretch\n\n"
        "Stand in a doorway with your forearms on the frame and lean forward. Hold 30 seconds.\n\n"
        "### Cool Down: Neck Rolls\n\n"
        "Roll your head slowly in a half circle from shoulder to shoulder. Repeat 5 times.\n"
    )
    names = [m.name for m in extracted(md, Format.MARKDOWN).mentions]
    assert names == ["Lat Pulldown", "Doorway Chest Stretch", "Neck Rolls"]


def test_breathing_cues_are_steps_not_exercises() -> None:
    md = (
        "## Bridge\n\n"
        "1. Lie on your back with your knees bent.\n"
        "2. Lift your hips until your body is straight.\n\n"
        "**Inhale**\n\nAs you lower down.\n\n"
        "**Exhale**\n\nAs you lift up.\n\n"
        "## Cobra\n\n"
        "1. Lie face down with your hands under your shoulders.\n"
        "2. Press your chest up.\n\n"
        "**Inhale**\n\nAs you press up.\n\n"
        "**Exhale**\n\nAs you lower.\n"
    )
    assert [m.name for m in extracted(md, Format.MARKDOWN).mentions] == ["Bridge", "Cobra"]


def test_parts_of_a_machine_and_products_are_not_exercises() -> None:
    md = (
        "# How to use a cable machine\n\n"
        "## The pulley\n\nThe pulley guides the cable. Adjust it up or down the column.\n\n"
        "## The weight stack and pin\n\nSlide the pin into the plate for the weight you want.\n\n"
        "## Cable Row\n\nSit tall, pull the handle to your ribs and squeeze your shoulder blades. "
        "Do 3 sets of 12.\n\n"
        "## What to buy\n\n"
        "### Premium Resistance Band Set\n\nFive bands from light to heavy, with a carry bag. "
        "$24.99 on Amazon.\n\n"
        "### A Quality Jump Rope\n\nLook for ball bearings in the handles and an adjustable "
        "cable.\n"
    )
    assert [m.name for m in extracted(md, Format.MARKDOWN).mentions] == ["Cable Row"]


def test_one_exercise_in_two_phases_is_one_mention() -> None:
    md = (
        "## 3. Cat-Cow Stretch\n\n"
        "Start on your hands and knees with a flat back.\n\n"
        "**Cat:** Round your back up towards the ceiling and tuck your chin.\n\n"
        "**Cow:** Let your belly drop and lift your head and tailbone.\n\n"
        "Move slowly between the two for 10 breaths.\n\n"
        "## 4. Child's Pose\n\n"
        "Kneel, sit back on your heels and reach your arms forward. Hold 30 seconds.\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == ["Cat-Cow Stretch", "Child's Pose"]
    assert any("belly drop" in s for s in result.mentions[0].steps)


def test_a_breathing_cue_in_a_list_of_guidelines_is_not_an_exercise() -> None:
    md = (
        "## Before you start\n\n"
        "- **Go slowly.** Move only as far as is comfortable.\n"
        "- **Breathe normally** throughout each exercise. Never hold your breath for long.\n"
        "- **Stop if it hurts.** Sharp pain means rest.\n\n"
        "## Pelvic Tilt\n\nLie on your back and flatten your lower back into the floor. "
        "Hold 5 seconds, 10 times.\n"
    )
    assert [m.name for m in extracted(md, Format.MARKDOWN).mentions] == ["Pelvic Tilt"]


def test_a_pdf_handout_with_lost_spaces_and_crlf_gives_its_exercises() -> None:
    text = (
        "Home Exercise Programme\r\n\r\n"
        "Bridging\r\nLieonyourbackwithyourkneesbent.Squeezeyourbuttocksandliftyourhips."
        "Hold5seconds.Repeat10times.\r\n\r\n"
        "Hip Adduction Squeeze\r\nLieonyourbackwithapillowbetweenyourknees."
        "Squeezethepillowandhold5seconds.Repeat10times.\r\n"
    )
    result = extracted(text, Format.TEXT)
    assert [m.name for m in result.mentions] == ["Bridging", "Hip Adduction Squeeze"]
    bridging = result.mentions[0]
    assert bridging.steps[0] == "Lie on your back with your knees bent."
    assert bridging.fields.hold_seconds == Range(5, 5)
    assert bridging.fields.repetitions == Range(10, 10)


def test_non_breaking_spaces_and_json_ld_steps_do_not_change_the_mentions() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "HowTo", "step": '
        '[{"text": "Lie on your back."}, {"text": "Pull one knee to your chest."}]}</script>'
        "</head><body><main><h1>Stretches</h1><h2>Knee\u00a0to\u00a0Chest</h2>"
        "<p>Lie on your back.\u00a0Pull one knee to your chest. Hold for 20\u00a0seconds.</p>"
        "<h2>Cobra</h2><p>Lie face down and press your chest up. Hold 10 seconds.</p>"
        "</main></body></html>"
    )
    result = extracted(html, Format.HTML)
    assert [m.name for m in result.mentions] == ["Knee to Chest", "Cobra"]
    assert result.mentions[0].steps[1] == "Pull one knee to your chest."
    assert result.mentions[0].fields.hold_seconds == Range(20, 20)


def test_a_plan_line_is_evidence_for_the_exercise_it_names_not_a_second_mention() -> None:
    md = (
        "## Knee-to-Chest Stretch\n\n"
        "Lie on your back with both knees bent. Pull one knee gently to your chest.\n\n"
        "## Bird-Dog\n\n"
        "Kneel on all fours. Reach one arm forward and the opposite leg back. Hold 5 seconds.\n\n"
        "## Your 2-week plan\n\n"
        "### Week 1\n\n"
        "- **Knee-to-Chest Stretch:** 3 x 20-second holds per side\n"
        "- **Bird-Dog:** 2 sets of 8 per side\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == ["Knee-to-Chest Stretch", "Bird-Dog"]
    knee = result.mentions[0]
    assert knee.fields.hold_seconds == Range(20, 20)  # the plan's dose, with its span
    plan = [e for e in knee.evidence if e.field == "hold_seconds"]
    assert plan and "3 x 20-second holds" in plan[0].text
    assert sorted(s.title for s in result.sections if s.kind == "reference") == [
        "Bird-Dog", "Knee-to-Chest Stretch",
    ]  # fmt: skip


def test_a_product_set_with_a_line_of_use_is_not_an_exercise() -> None:
    md = (
        "# 20-minute mobility session\n\n"
        "## Hip Circles\n\nStand on one leg and draw big circles with the other knee. "
        "10 each way.\n\n"
        "## Premium Resistance Band Set\n\nLoop a band around your knees and step sideways. "
        "10 steps each way.\n\n"
        "## Foam Roller Kit\n\nRoll slowly along your thigh for 30 seconds.\n"
    )
    assert [m.name for m in extracted(md, Format.MARKDOWN).mentions] == ["Hip Circles"]
