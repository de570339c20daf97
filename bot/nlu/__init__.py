"""Clinical NLU: concept extraction with assertion status, on a blank spaCy pipeline.

- :mod:`bot.nlu.concepts`: ``build_pipeline()`` and ``extract()`` (pure spaCy);
- :mod:`bot.nlu.fuzzy`: misspelling tolerance;
- :mod:`bot.nlu.assertion`: negation / hypothetical / experiencer detection;
- :mod:`bot.nlu.component`: the Rasa component ``ClinicalConceptExtractor``;
- ``patterns/``: the patterns and trigger lists, as data.

Nothing is imported here, so that importing the package stays cheap (no spaCy, no Rasa).
"""
