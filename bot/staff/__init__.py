"""The back-office's services: accounts, the audit log, the leads inbox and privacy
operations. No web code here: the pages in bot/web/staff call these, and so does the CLI."""
