"""Rasa's supported extension points that the YAML files name: the chat channels
(credentials.yml), the response generator, tracker store and lock store (endpoints.yml)."""
