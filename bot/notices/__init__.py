"""What a visitor is told about their booking, by email and text, and the page their
messages link to: queued with each booking change, sent once by the notice scheduler."""
