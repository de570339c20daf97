"""Production mode: nginx in front of Rasa replicas, the action server and the web app."""
