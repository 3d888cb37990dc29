"""Channel adapters (email, Telegram) that turn outside messages into helpdesk.domain ports."""
