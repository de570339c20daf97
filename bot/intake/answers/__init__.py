"""Parsers for the answers a visitor types to the intake questions, one module a kind of
answer: durations (how long), when (roughly when something happened), pain (the 0-10
score), imaging, treatments, yes_no (skips and yes/no); text holds what they share.

Pure text functions (no Rasa, no spaCy) so that the form's validators and their tests stay
cheap. Visitors type on phones, so every parser ignores case, missing apostrophes and loose
spacing, and reads numbers as digits or words. A parser returns None when the answer does
not say what was asked, so that the caller can ask again.

Callers should try the value parsers before :func:`yes_no.is_skip`: "not sure, maybe an
mri" is both a shrug and an answer, and the answer is worth more.
"""
