"""The clinic's own logic: leads, bookings, contact details, the consent form, safety
screening, the clinic profile. No Rasa or web imports: actions, the web app and the CLI
call it."""
