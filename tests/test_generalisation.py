"""Shapes of real articles beyond the golden ones, found by held-out checks on unseen public
articles. Each test is a small article written for the shape, not a copy of one."""

from __future__ import annotations

from pipeline.models import Format, Range

from .test_extract import extracted


def names(text: str, fmt: Format) -> list[str]:
    return [m.name for m in extracted(text, fmt).mentions]


def test_html_names_in_styled_divs_with_labelled_fields_split_by_breaks() -> None:
    html = (
        "<html><body><main><h1>Knee exercises</h1><p>Do these daily.</p>"
        '<div class="ex"><div class="InnerHeading"> Quad Clenches </div>'
        "<strong>Purpose:</strong> Keep the quads strong.<br><br>"
        "<strong>Starting position:</strong> Lying flat on your back or sitting up.<br><br>"
        "<strong>Action:</strong> Tighten the front of the thigh. Hold for 3 seconds.<br><br>"
        "<strong>Repetition:</strong> Repeat 10-20 times for each leg.<br>"
        "<div>Fig:01</div></div>"
        '<div class="ex"><div class="InnerHeading">Short Arcs</div>'
        "<strong>Action:</strong> Lift your foot until the knee is straight. Hold 3-5 seconds."
        "<br><br><strong>Repetition:</strong> Repeat 10 times.<div>Fig:02</div></div>"
        "</main></body></html>"
    )
    result = extracted(html, Format.HTML)
    assert [m.name for m in result.mentions] == ["Quad Clenches", "Short Arcs"]
    quad = result.mentions[0]
    assert quad.fields.hold_seconds == Range(3, 3) and quad.fields.repetitions == Range(10, 20)
    assert quad.fields.position is None  # "on your back or sitting up": the source leaves it open
    kept = " ".join(b.text for b in result.cleaned.blocks)
    assert "Fig:01" not in kept and "Fig:02" not in kept


def test_html_numbered_bold_leads_before_a_line_break() -> None:
    html = (
        "<html><body><article><h2>Examples of Simple Stretches:</h2>"
        "<p><strong>1. Neck Release:</strong><br>Gently tilt your head from side to side.</p>"
        "<p><strong>2. Hamstring Reach:</strong><br>Sit on the floor and reach for your toes.</p>"
        "<h2>Benefits of Stretching:</h2>"
        "<p><strong>1. Flexibility:</strong><br>Stretching increases your range of motion.</p>"
        "</article></body></html>"
    )
    assert names(html, Format.HTML) == ["Neck Release", "Hamstring Reach"]


def test_a_layout_wrapper_named_sidebar_that_holds_the_article_is_kept() -> None:
    article = "".join(
        f"<h3>{n}</h3><p>Lie on your back and slowly lift one leg. Hold 5 seconds. {n} helps.</p>"
        for n in ("Leg Raise", "Glute Bridge", "Dead Bug")
    )
    html = (
        '<html><body><div class="page-content-sidebar-section"><div class="main">'
        f"{article}</div><aside class='sidebar'><p>Popular posts</p></aside></div></body></html>"
    )
    assert names(html, Format.HTML) == ["Leg Raise", "Glute Bridge", "Dead Bug"]


def test_counters_taglines_and_compact_doses() -> None:
    md = (
        "## Exercise 1: The Cat-Cow Stretch - Your Spine's Best Friend\n\n"
        "Get on all fours and arch, then round your back. Repeat 10 times.\n\n"
        "## Stretch 2: Chin Tuck (Cervical Retraction)\n\n"
        "Sit tall and draw your chin back. x 10\n\n"
        "## Routine\n\n- **Single leg squats** 3 x 15\n- **Elbow planks** 3 x 45-60s\n"
        "- **Quadruped hip circles** x 2-3 sets x 5 each direction\n"
    )
    result = extracted(md, Format.MARKDOWN)
    got = {m.name: m for m in result.mentions}
    assert list(got) == [
        "The Cat-Cow Stretch",
        "Chin Tuck",
        "Single leg squats",
        "Elbow planks",
        "Quadruped hip circles",
    ]
    assert got["Chin Tuck"].alt_names == ("Cervical Retraction",)
    assert got["Chin Tuck"].fields.repetitions == Range(10, 10)
    squats = got["Single leg squats"].fields
    assert (squats.sets, squats.repetitions) == (Range(3, 3), Range(15, 15))
    planks = got["Elbow planks"].fields
    assert (planks.sets, planks.hold_seconds) == (Range(3, 3), Range(45, 60))
    circles = got["Quadruped hip circles"].fields
    assert (circles.sets, circles.repetitions) == (Range(2, 3), Range(5, 5))


def test_plain_text_counted_items_and_vague_times() -> None:
    text = (
        "5-Minute Desk Workout\n\n"
        "Minute 1 - Seated Marching: Sit upright and lift your knees in turn for 60 seconds.\n\n"
        "Minute 2 - Shoulder Rolls and Neck Stretches: Roll your shoulders back 10 times. "
        "Hold each neck stretch for a few seconds.\n"
    )
    result = extracted(text, Format.TEXT)
    assert [m.name for m in result.mentions] == [
        "Seated Marching",
        "Shoulder Rolls and Neck Stretches",
    ]
    assert result.mentions[1].fields.hold_seconds is None  # "a few" is no number
    assert result.mentions[1].fields.repetitions == Range(10, 10)


def test_plural_names_template_tags_and_services_lists() -> None:
    md = (
        "## Hip Stretches\n\n"
        "### Butterfly Stretch\n\nSit with the soles of your feet together. Hold 30 seconds.\n\n"
        "### 90/90 Stretches\n\nSit with both knees bent at 90 degrees and lean forward.\n\n"
        "### Seated Twist\n\nSit tall and turn your chest to one side. Hold 20 seconds.\n\n"
        '{% include image.html src="raccoon.webp" %}\n\n'
        "## How Acme Physio Can Help\n\n- Trigger point therapy for knots\n- Posture coaching\n\n"
        "## Start Slowly\n\nBegin with a few minutes a day and build up.\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == [
        "Butterfly Stretch",
        "90/90 Stretches",
        "Seated Twist",
    ]
    kept = " ".join(b.text for b in result.cleaned.blocks)
    assert "include" not in kept and "Trigger point" not in kept
    reasons = {r.reason for r in result.cleaned.removals}
    assert "business_promotion" in reasons


def test_sitting_down_then_lying_back_is_lying() -> None:
    from pipeline.extract.fields import parse_fields

    items = [
        ("step", "Sit on the edge of a sturdy table."),
        ("step", "Lie back flat on your back and hug one knee."),
    ]
    assert parse_fields("Iliopsoas Stretch", items)[0].position == "supine"


def test_markdown_lettered_steps_bold_sentences_and_captions() -> None:
    md = (
        "## Side Stepping\n"
        "![A man stepping sideways](side.jpg)\n"
        " Credit: Shot by Example Studio\n"
        "**A.** Stand with your feet together, knees slightly bent.\n"
        "**B.** Step sideways slowly, moving one foot first.\n"
        "**C.** Bring the other foot to join it.\n\n"
        "## Chair Rise\n\n"
        "1. Sit on a sturdy chair with your feet flat.\n"
        "2. Push off with both hands to stand up.\n\n"
        "**Repeat 10 times.**\n\n"
        "Jordan, Fitness Trainer\n\n"
        "As you get stronger, stand up without using your hands.\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == ["Side Stepping", "Chair Rise"]
    stepping, rise = result.mentions
    assert stepping.steps[0].startswith("Stand with your feet together")
    assert len(stepping.steps) == 3 and not any(s.startswith("A.") for s in stepping.steps)
    assert rise.fields.repetitions == Range(10, 10)  # a bold sentence does not end the mention
    said = (*rise.steps, *rise.description, *rise.tips)
    assert any("without using your hands" in t for t in said)
    kept = " ".join(b.text for b in result.cleaned.blocks)
    assert "Credit:" not in kept and "Fitness Trainer" not in kept


def test_a_circuit_of_dosed_items_names_exercises_but_a_lone_outline_line_does_not() -> None:
    md = (
        "## Stretch Circuit: 20s rests, 2 sets\n\n"
        "- Supine spinal twist (30s left, 30s right)\n"
        "- Knee-to-chest stretch (30s left, 30s right)\n"
        "- Low lunges (30s left, 30s right)\n\n"
        "## Each Workout\n\n"
        "- Warm-up (5 minutes)\n- Squats\n- Push-ups\n"
    )
    result = extracted(md, Format.MARKDOWN)
    assert [m.name for m in result.mentions] == [
        "Supine spinal twist",
        "Knee-to-chest stretch",
        "Low lunges",
    ]
    assert all(m.fields.hold_seconds == Range(30, 30) for m in result.mentions)


def test_a_routine_line_that_points_to_a_full_card_is_a_reference() -> None:
    html = (
        "<html><body><main><h2>Morning routine</h2><ul>"
        "<li><strong>Cobra</strong> — 20s × 2 to wake the spine.</li>"
        "<li><strong>Standing Side Bend</strong> — 20s each side.</li></ul>"
        "<h2>Stretch library</h2>"
        "<article><h3>Cobra</h3><p>Lying face-down, press into the hands to lift the chest. "
        "Keep the hips on the floor.</p><div>Hold 20 sec × 2</div></article>"
        "<article><h3>Standing Side Bend</h3><p>Reach one arm overhead and bend gently to the "
        "opposite side. Opens the ribs.</p><div>20 sec each side</div></article>"
        "</main></body></html>"
    )
    result = extracted(html, Format.HTML)
    assert [m.name for m in result.mentions] == ["Cobra", "Standing Side Bend"]
    assert all(m.steps and "same_name_in_source" not in m.flags for m in result.mentions)
    references = [s.title for s in result.sections if s.kind == "reference"]
    assert references == ["Cobra", "Standing Side Bend"]
    assert result.mentions[0].fields.hold_seconds == Range(20, 20)


def test_repeated_routine_entries_without_a_full_description_all_stay() -> None:
    md = (
        "## Daily\n\n- **Hip airplanes** x 12-15 every morning\n"
        "- **Glute bridges** x 10-15 - for hip extension\n\n"
        "## Twice a week\n\n- **Hip airplanes** with a kettlebell and a stiffer knee, x 8-10\n"
    )
    got = [m.name for m in extracted(md, Format.MARKDOWN).mentions]
    assert got == ["Hip airplanes", "Glute bridges", "Hip airplanes"]


def test_widget_parts_are_not_page_furniture() -> None:
    html = (
        "<html><body><header><p>Site name</p></header><main><h1>Stretches</h1>"
        "<p>Stretching keeps joints supple and muscles long as we age. These gentle moves "
        "suit beginners, need no equipment and take about ten minutes. Open each card for "
        "the steps, and stop if anything hurts.</p>"
        '<div class="modal fade"><div class="modal-dialog"><div class="modal-header">'
        "<h2>Upper Back Stretch</h2><ol><li>Begin seated with relaxed shoulders.</li>"
        "<li>Extend your arms forward and push outwards.</li><li>Hold for 10 seconds.</li></ol>"
        '</div></div></div></main><div class="site-header"><p>Menu</p></div></body></html>'
    )
    result = extracted(html, Format.HTML)
    assert [m.name for m in result.mentions] == ["Upper Back Stretch"]
    assert result.mentions[0].fields.hold_seconds == Range(10, 10)
    kept = " ".join(b.text for b in result.cleaned.blocks)
    assert "Site name" not in kept and "Menu" not in kept


def test_capitalised_names_per_side_times_and_stray_seconds_marks() -> None:
    text = (
        "Hamstring stretches\n\n"
        "KNEELING HAMSTRING STRETCH: Kneel on one knee with the other leg straight out in front. "
        "Hold the stretch for 10-15\u201d seconds.\n\n"
        "SEATED REACH: Sit on the floor and reach for your toes, 30s left, 30s right.\n"
    )
    result = extracted(text, Format.TEXT)
    assert [m.name for m in result.mentions] == ["KNEELING HAMSTRING STRETCH", "SEATED REACH"]
    assert result.mentions[0].fields.hold_seconds == Range(10, 15)
    assert result.mentions[1].fields.hold_seconds == Range(30, 30)


def test_citation_markers_and_ai_boilerplate_are_removed() -> None:
    md = (
        "## Wrist Flexor Stretch\n\n"
        "Extend your arm and gently pull your fingers back.[1] Hold 20 seconds.[2, 3]\n\n"
        "AI responses may include mistakes.\n"
    )
    result = extracted(md, Format.MARKDOWN)
    (wrist,) = result.mentions
    assert "[1]" not in " ".join(wrist.steps) and wrist.fields.hold_seconds == Range(20, 20)
    kept = " ".join(b.text for b in result.cleaned.blocks)
    assert "[2, 3]" not in kept and "may include mistakes" not in kept
