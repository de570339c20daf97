"""Reading visitors' questions beyond one classifier pick: several questions in one
message, follow-ups to the last answer, and what they ask about the clinic itself."""
