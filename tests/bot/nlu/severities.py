"""The severity class the domain brief (section 3) gives each red-flag value, stated
once for the tests that check it."""

RED_FLAG_SEVERITY = {
    "saddle_numbness": "emergency",
    "bladder_bowel": "emergency",
    "bilateral_leg_symptoms": "emergency",
    "progressive_leg_weakness": "emergency",
    "sexual_dysfunction": "emergency",
    "trauma": "emergency",
    "chest_pain": "emergency",
    "fever": "urgent",
    "weight_loss": "urgent",
    "cancer_history": "urgent",
    "iv_drug_use": "urgent",
    "infection": "urgent",
    "immunosuppressed": "urgent",
    "night_pain": "urgent",
    "osteoporosis_injury": "urgent",
    "new_leg_weakness": "urgent",
    "suicidal_thoughts": "crisis",
    "self_harm": "crisis",
}
