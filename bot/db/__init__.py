"""The leads database: models, engines and sessions, and its alembic migrations.

Nothing here connects at import time; engines are made on first use, per URL.
"""
