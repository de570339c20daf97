from bot.rasa_patches.speedups.domain_emptiness import remembered_emptiness


def test_a_domains_emptiness_is_worked_out_once(domain):
    from rasa.shared.core.domain import Domain

    asked = []
    is_empty = remembered_emptiness(lambda self: asked.append(self) or Domain.is_empty(self))
    assert is_empty(domain) is False and is_empty(domain) is False
    empty = Domain.empty()
    assert is_empty(empty) is True and is_empty(empty) is True
    assert asked == [domain, empty]
