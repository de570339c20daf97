"""The symptom intake: parsing answers and summarising them."""
