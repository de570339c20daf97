"""The web app on :8000: the clinic's demo page (later also the widget and back-office)."""
