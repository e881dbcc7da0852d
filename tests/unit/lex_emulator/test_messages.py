"""Message groups: variations (random with a seed, or Ordered) and the runtime message shapes."""

from __future__ import annotations

from lex_emulator.messages import MessageDef, make_rng

GROUP = MessageDef("Hi!", variations=(MessageDef("Hello!"), MessageDef("Hey!")))


def test_a_seed_makes_the_choice_repeatable_and_every_variation_is_used():
    rng_a, rng_b = make_rng(7), make_rng(7)
    first = [GROUP.pick(rng_a).content for _ in range(20)]
    again = [GROUP.pick(rng_b).content for _ in range(20)]
    assert first == again and len(set(first)) > 1
    rng = make_rng(3)
    seen = {GROUP.pick(rng).content for _ in range(200)}
    assert seen == {"Hi!", "Hello!", "Hey!"}


def test_the_seed_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LEX_EMULATOR_SEED", "11")
    rng_a, rng_b = make_rng(), make_rng()
    assert [GROUP.pick(rng_a).content for _ in range(20)] == [
        GROUP.pick(rng_b).content for _ in range(20)
    ]


def test_ordered_sends_the_primary_message_then_each_variation():
    ordered = MessageDef("A", variations=(MessageDef("B"), MessageDef("C")), ordered=True)
    assert [ordered.pick(None, attempt).content for attempt in range(4)] == ["A", "B", "C", "A"]


def test_a_group_without_variations_is_its_message():
    plain = MessageDef("Only")
    assert plain.pick(make_rng(1)) is plain


def test_image_response_card_shape_and_slot_substitution():
    card = MessageDef(
        "Pick {Size}",
        "ImageResponseCard",
        card={"title": "Pick {Size}", "buttons": [{"text": "{Size}", "value": "v"}]},
    )
    out = card.to_lex(substitute=lambda text: text.replace("{Size}", "large"))
    assert out == {
        "contentType": "ImageResponseCard",
        "imageResponseCard": {"title": "Pick large", "buttons": [{"text": "large", "value": "v"}]},
    }


def test_text_messages_keep_their_content_type():
    assert MessageDef("<speak>hi</speak>", "SSML").to_lex() == {
        "contentType": "SSML",
        "content": "<speak>hi</speak>",
    }
