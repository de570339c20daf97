"""Clinical NLU: concept extraction with assertion status, on a blank spaCy pipeline,
and the pipeline's TensorFlow-free classifiers.

- :mod:`bot.nlu.concepts`: ``build_pipeline()`` and ``extract()`` (pure spaCy);
- :mod:`bot.nlu.fuzzy`: misspelling tolerance;
- :mod:`bot.nlu.assertion`: negation / hypothetical / experiencer detection;
- :mod:`bot.nlu.component`: the Rasa component ``ClinicalConceptExtractor``;
- :mod:`bot.nlu.triage`: ``SafetyTriage``, the safety screen's override of the intent;
- :mod:`bot.nlu.concept_features`: ``ClinicalConceptFeaturizer``, the concepts as features;
- :mod:`bot.nlu.linear`: TF-IDF logistic regression on sparse features (no TensorFlow);
- :mod:`bot.nlu.classifiers`: ``LinearIntentClassifier`` and ``LinearResponseSelector``
  (FAQ answers), in place of Rasa's DIETClassifier and ResponseSelector;
- ``patterns/``: the patterns and trigger lists, as data.

Nothing is imported here, so that importing the package stays cheap (no spaCy, no Rasa).
"""
