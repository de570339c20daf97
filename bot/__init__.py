"""The spine-clinic intake assistant's application code (everything but Rasa's actions)."""
