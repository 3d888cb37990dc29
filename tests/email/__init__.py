"""Email channel tests: parsing, rules, IMAP (Dovecot), SMTP (aiosmtpd), the corpus, the CLI."""
