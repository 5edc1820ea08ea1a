"""The pages behind the self-service links of confirmations and reminders (links.py): no login, one purpose."""
